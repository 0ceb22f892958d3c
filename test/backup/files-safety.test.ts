import { mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { digestPath } from '../../src/checks/backup/digest.ts';
import { archiveEntries, packTree } from '../../src/checks/backup/files-archive.ts';
import { manifestPathFor } from '../../src/checks/backup/manifest.ts';
import { takeBackup } from '../../src/checks/backup/take-backup.ts';
import { verifyFilesBackup } from '../../src/checks/backup/verify-files.ts';
import { tempDirs } from './helpers.ts';

const dirs = tempDirs('rollgate-files-safety-');
afterAll(() => dirs.cleanup());

/** A folder with `files` (path → content) and `links` (path → target). */
function tree(files: Record<string, string>, links: Record<string, string> = {}): string {
  const dir = join(dirs.make(), 'data');
  mkdirSync(dir);
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    if (p.endsWith('/')) mkdirSync(join(dir, p), { recursive: true });
    else writeFileSync(join(dir, p), content);
  }
  for (const [p, target] of Object.entries(links)) symlinkSync(target, join(dir, p));
  return dir;
}

describe('a folder backup holds at least one file', () => {
  it('is refused when the folder holds no file, or only excluded ones: nothing is written', async () => {
    const out = dirs.make();
    const excludedOnly = tree({ 'a.tmp': 'x', 'cache/c.bin': 'y', 'empty/': '' });
    await expect(
      takeBackup({ files: { path: excludedOnly, exclude: ['*.tmp', 'cache/**'] }, dir: out }),
    ).rejects.toThrow(`nothing to back up in ${excludedOnly}: no file in it (2 path(s) excluded by exclude)`);
    const foldersOnly = tree({ 'a/b/': '' }, { link: 'a/b' });
    await expect(takeBackup({ files: { path: foldersOnly }, dir: out })).rejects.toThrow(
      `nothing to back up in ${foldersOnly}: no file in it`,
    );
    expect(readdirSync(out)).toEqual([]);
  });

  it('fails verification when the manifest lists no file, archive and manifest agreeing', async () => {
    const taken = await takeBackup({ files: { path: tree({ 'flows/a.json': '{}' }) }, dir: dirs.make() });
    // The archive replaced by one of folders alone, the manifest rewritten to describe it exactly.
    rmSync(taken.path);
    await packTree(tree({ 'flows/': '' }), taken.path, []);
    const d = await digestPath(taken.path);
    const files = await archiveEntries(taken.path);
    expect(files.map((f) => f.type)).toEqual(['directory']);
    const manifest = { ...taken.manifest, sha256: d.sha256, sizeBytes: d.sizeBytes, files };
    writeFileSync(manifestPathFor(taken.path), JSON.stringify(manifest));
    const r = await verifyFilesBackup({ backup: taken.path, keepScratch: true });
    expect(r.status).toBe('failed');
    expect(r.reason).toContain('the manifest lists no file: the backup holds nothing to restore');
    expect(r.scratch).toBeUndefined();
  });
});
