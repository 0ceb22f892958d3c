import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import * as tar from 'tar';
import { checkTimeEvidence } from './backup-time.ts';
import { registerCleanup } from './cleanup-registry.ts';
import { digestPath } from './digest.ts';
import { archiveEntries, compareFileLists, treeEntries } from './files-archive.ts';
import { linksLeavingTree, realPathsLeavingTree } from './files-links.ts';
import type { FileEntry } from './manifest.ts';
import { OutcomeBuilder, withBudget } from './outcome.ts';
import type { Scratch } from './scratch.ts';
import {
  checkBackupBytes,
  loadManifest,
  recordError,
  type VerifyOptions,
  type VerifyResult,
} from './verify-common.ts';

const MAX_LISTED = 5;

/** Every difference from the manifest's list, as one measurement and the first few named. */
function judgeList(
  out: OutcomeBuilder,
  name: string,
  expected: FileEntry[],
  found: FileEntry[],
  where: string,
) {
  const problems = compareFileLists(expected, found);
  const more = problems.length > MAX_LISTED ? ` (+${problems.length - MAX_LISTED} more)` : '';
  out.measure(
    { name, operator: '==', expected: 0 },
    problems.length,
    `${where}: ${problems.slice(0, MAX_LISTED).join('; ')}${more}`,
  );
}

/**
 * Verifies a directory backup (gzip'd tar): the archive's checksum and size against its manifest,
 * then every entry read from the archive against the manifest's file list (each file's size and
 * sha256, directories, link targets; nothing missing, nothing extra; at least one file). A link
 * that leads outside the folder (an absolute target, `..` climbing out, through other links too)
 * or an entry under one fails it: restored, it would reach live data. With `keepScratch` (the
 * drill), the archive is also extracted into a temporary folder (only when all that held), and
 * the extracted tree is compared with the list once more, its real paths checked to stay inside:
 * what the app boots on is what was backed up, and nothing more. The backup is only read.
 */
export async function verifyFilesBackup(opts: VerifyOptions): Promise<VerifyResult> {
  const out = new OutcomeBuilder();
  const manifest = await loadManifest(out, opts);
  let scratch: Scratch | undefined;
  let dir: string | undefined;
  let unregister = () => {};
  const removeDir = async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  };
  try {
    await withBudget(out, opts.budgetMs, async (signal) => {
      if (!(await checkBackupBytes(out, opts.backup, manifest, digestPath(opts.backup)))) return;
      if (manifest) await checkTimeEvidence(out, { backup: opts.backup, manifest, skewMs: opts.clockSkewMs });
      let entries: FileEntry[];
      try {
        entries = await archiveEntries(opts.backup, signal);
      } catch (error) {
        signal.throwIfAborted();
        out.fail(`archive unreadable: ${basename(opts.backup)}: ${(error as Error).message}`);
        return;
      }
      if (!manifest?.files) return;
      out.measure(
        { name: 'archive-entries', operator: '==', expected: manifest.files.length },
        entries.length,
        `the archive holds ${entries.length} entries, manifest lists ${manifest.files.length}`,
      );
      // A folder backup with no file in it restores nothing (a drill would boot on an empty folder).
      const listed = manifest.files.filter((f) => f.type === 'file').length;
      out.measure(
        { name: 'manifest-files', operator: '>=', expected: 1 },
        listed,
        'the manifest lists no file: the backup holds nothing to restore (only folders or links)',
      );
      judgeList(out, 'archive-differences', manifest.files, entries, 'archive differs from the manifest');
      // Nothing restored may lead outside the restored folder: the drill's app would follow it into live data.
      judgeLinks(out, [...linksLeavingTree(manifest.files), ...linksLeavingTree(entries)]);
      if (!opts.keepScratch && !opts.onScratch) return;
      if (out.failed) return;
      dir = await mkdtemp(join(opts.tmpDir ?? tmpdir(), 'rollgate-restore-files-'));
      unregister = registerCleanup(`restored folder ${dir}`, removeDir);
      const made = filesScratch(dir, removeDir, () => unregister());
      await opts.onScratch?.(made);
      const problems = await extract(opts.backup, dir, manifest.files);
      signal.throwIfAborted();
      if (problems.length) {
        out.fail(`extraction refused entries: ${problems.slice(0, 3).join('; ')}`);
        return;
      }
      const restored = await treeEntries(dir);
      judgeList(
        out,
        'restored-differences',
        manifest.files,
        restored,
        'restored folder differs from the manifest',
      );
      judgeLinks(out, [...linksLeavingTree(restored), ...(await realPathsLeavingTree(dir, restored))]);
      if (opts.keepScratch) scratch = made;
    });
  } catch (error) {
    recordError(out, error);
  }
  const files = manifest?.files?.filter((f) => f.type === 'file').length ?? 0;
  const summary = `archive checksum ok; ${files} file(s) match the manifest's digests and sizes${scratch ? '; extracted, the extracted tree matches too' : ''}`;
  const result = out.finish(summary);
  if (scratch && !result.ok) scratch = undefined;
  if (!scratch) {
    await removeDir();
    unregister();
  }
  return {
    ...result,
    backup: opts.backup,
    format: 'files-tar-gz',
    manifest,
    ...(scratch ? { scratch } : {}),
  };
}

/** Links leading outside the folder, counted as one measurement and the first few named. */
function judgeLinks(out: OutcomeBuilder, problems: string[]) {
  const unique = [...new Set(problems)];
  const more = unique.length > MAX_LISTED ? ` (+${unique.length - MAX_LISTED} more)` : '';
  out.measure(
    { name: 'links-outside', operator: '==', expected: 0 },
    unique.length,
    `${unique.slice(0, MAX_LISTED).join('; ')}${more}: a restore would reach data outside the backup; exclude the link or back up what it points to`,
  );
}

function filesScratch(dir: string, remove: () => Promise<void>, unregister: () => void): Scratch {
  return {
    engine: 'files',
    name: dir,
    url: dir,
    async drop() {
      await remove();
      unregister();
    },
  };
}

/**
 * Extracts with tar's guards (no path climbs out, nothing is written through a link), links left
 * for last: each is created as recorded (all were checked to stay inside the folder), never
 * followed. A warning
 * from tar (a refused or damaged entry) is returned, never ignored.
 */
async function extract(archive: string, dir: string, files: FileEntry[]): Promise<string[]> {
  const problems: string[] = [];
  await tar
    .x({
      file: archive,
      cwd: dir,
      filter: (_path, entry) => !('type' in entry) || entry.type !== 'SymbolicLink',
      onwarn: (code, message) => problems.push(`${code}: ${String(message)}`),
    })
    .catch((error: Error) => problems.push(error.message));
  for (const link of files.filter((f) => f.type === 'symlink')) {
    await symlink(link.target ?? '', join(dir, ...link.path.split('/'))).catch((error: Error) =>
      problems.push(`link ${link.path}: ${error.message}`),
    );
  }
  return problems;
}
