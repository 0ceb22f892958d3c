import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { digestPath } from '../../src/checks/backup/digest.ts';
import { archiveEntries, packTree } from '../../src/checks/backup/files-archive.ts';
import { linksLeavingTree, realPathsLeavingTree } from '../../src/checks/backup/files-links.ts';
import { type FileEntry, manifestPathFor } from '../../src/checks/backup/manifest.ts';
import { takeBackup } from '../../src/checks/backup/take-backup.ts';
import { verifyFilesBackup } from '../../src/checks/backup/verify-files.ts';
import { readJson, tempDirs } from './helpers.ts';

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

const entry = (path: string, type: FileEntry['type'], target?: string): FileEntry => ({
  path,
  type,
  sizeBytes: 0,
  mode: 0o644,
  ...(target !== undefined ? { target } : {}),
});

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

describe('a restored folder never leads outside itself', () => {
  it('names each link whose target leaves the folder: absolute, climbing out with .., through other links', () => {
    const problems = linksLeavingTree([
      entry('a.json', 'file'),
      entry('ok', 'symlink', 'sub/../a.json'),
      entry('uploads', 'symlink', '/srv/uploads'),
      entry('uploads/x.json', 'file'),
      entry('elsewhere', 'symlink', '../elsewhere'),
      entry('here', 'symlink', '.'),
      entry('up', 'symlink', 'here/..'), // lexically the folder itself; really its parent
      entry('deep', 'symlink', 'sub/../../x'), // sub does not exist: taken as written
      entry('loop1', 'symlink', 'loop2'),
      entry('loop2', 'symlink', 'loop1'),
    ]);
    expect(problems).toEqual([
      'link uploads -> /srv/uploads leads outside the folder (its target is an absolute path)',
      'uploads/x.json is reached through link uploads -> /srv/uploads, which leads outside the folder',
      'link elsewhere -> ../elsewhere leads outside the folder (its target climbs out of the folder)',
      'link up -> here/.. leads outside the folder (its target climbs out of the folder)',
      'link deep -> sub/../../x leads outside the folder (its target climbs out of the folder)',
      'link loop1 -> loop2 leads outside the folder (its target goes through too many links (a loop))',
      'link loop2 -> loop1 leads outside the folder (its target goes through too many links (a loop))',
    ]);
  });

  it('fails verification and the drill extraction naming the link; the live data is never reached', async () => {
    const live = dirs.make();
    writeFileSync(join(live, 'secret.txt'), 'live data');
    const source = tree(
      { 'flows/a.json': '{"flow":"a"}', 'flows/sub/': '' },
      { uploads: live, shared: '../outside', inner: 'flows/a.json', 'flows/sub/up': '../../..' },
    );
    const taken = await takeBackup({ files: { path: source }, dir: dirs.make() });
    const listed = Object.fromEntries(taken.manifest.files!.map((f) => [f.path, f]));
    // Recorded as links, never followed: the live file's content is not in the archive.
    expect(listed.uploads).toMatchObject({ type: 'symlink', target: live });
    expect(Object.keys(listed).some((p) => p.includes('secret'))).toBe(false);
    for (const keepScratch of [false, true]) {
      const r = await verifyFilesBackup({ backup: taken.path, keepScratch });
      expect(r.status).toBe('failed');
      expect(r.reason).toContain(
        `link uploads -> ${live} leads outside the folder (its target is an absolute path)`,
      );
      expect(r.reason).toContain('link shared -> ../outside leads outside the folder');
      expect(r.reason).toContain('link flows/sub/up -> ../../.. leads outside the folder');
      expect(r.reason).not.toContain('inner');
      expect(r.reason).toContain('a restore would reach data outside the backup');
      expect(r.scratch).toBeUndefined();
    }
    expect(readFileSync(join(live, 'secret.txt'), 'utf8')).toBe('live data');
    expect(readJson<{ files: FileEntry[] }>(manifestPathFor(taken.path)).files).toHaveLength(7);
  });

  it('on disk, by real paths: a folder or link that resolves outside is named', async () => {
    const live = realpathSync(dirs.make());
    const dir = realpathSync(tree({ 'a.json': '{}' }, { uploads: live, inner: 'a.json' }));
    mkdirSync(join(live, 'x'));
    const problems = await realPathsLeavingTree(dir, [
      entry('a.json', 'file'),
      entry('inner', 'symlink', 'a.json'),
      entry('uploads', 'symlink', live),
      entry('uploads/x', 'directory'),
    ]);
    expect(problems).toEqual([
      `link uploads -> ${live} resolves to ${live}, outside ${dir}`,
      `uploads/x: its folder's real path ${live} is outside ${dir}`,
    ]);
  });

  it('refuses a backup folder inside the folder it backs up', async () => {
    const source = tree({ 'a.json': '{}' });
    await expect(takeBackup({ files: { path: source }, dir: join(source, 'backups') })).rejects.toThrow(
      `the backup folder ${join(source, 'backups')} is inside ${source}, the folder backed up`,
    );
    expect(existsSync(join(source, 'backups'))).toBe(false);
  });
});
