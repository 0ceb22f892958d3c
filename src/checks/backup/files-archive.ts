import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import { globToRegExp } from '../../config/glob.ts';
import type { FileEntry } from './manifest.ts';

/**
 * Directory backups as gzip'd tar archives (`tar` from npm): packing a tree with its `exclude`
 * globs, listing an archive's entries with each file's sha256, listing a restored tree the same
 * way, and comparing either listing with a manifest's. Symbolic links are archived as links
 * (their target recorded), never followed, so no file outside the tree gets into the archive;
 * a link that leads out of it fails verification (files-links.ts).
 */

/** Hard links are stored as full files: every file in the archive carries its own content. */
class NoHardLinks extends Map<`${number}:${number}`, string> {
  override set(): this {
    return this;
  }
}

const posix = (p: string) => p.replaceAll('\\', '/').replace(/^\.\//, '').replace(/\/+$/, '');

/**
 * Whether `rel` (a `/`-separated path inside the tree) is left out by one of `exclude`. A glob
 * without `/` matches a name at any depth (`*.tmp`); one with `/` matches from the tree's top
 * (`cache/**` leaves out `cache` and all under it).
 */
export function excludedBy(exclude: readonly string[]): (rel: string) => string | undefined {
  const rules = exclude.map((glob) => ({
    glob,
    re: globToRegExp(glob.replace(/^\.?\//, '')),
    anyDepth: !glob.includes('/'),
  }));
  return (rel) => {
    const name = rel.split('/').at(-1) ?? rel;
    return rules.find((r) => r.re.test(rel) || r.re.test(`${rel}/`) || (r.anyDepth && r.re.test(name)))?.glob;
  };
}

export interface PackedTree {
  /** What was put in, as `lstat` saw it while packing: size and mtime per path, to spot changes. */
  seen: Map<string, { size: number; mtimeMs: number; type: FileEntry['type'] }>;
  /** Paths left out by `exclude`. */
  excluded: number;
}

/**
 * Packs `source` (a directory, or a single file) into a gzip'd tar at `to`. Only reads the source.
 * Entry paths are relative to the directory (a single file goes in under its own name).
 */
export async function packTree(source: string, to: string, exclude: readonly string[]): Promise<PackedTree> {
  const top = await lstat(source);
  const cwd = top.isDirectory() ? source : dirname(source);
  const roots = top.isDirectory() ? (await readdir(source)).sort() : [basename(source)];
  const isExcluded = excludedBy(exclude);
  const seen: PackedTree['seen'] = new Map();
  let excluded = 0;
  const kept = roots.filter((r) => {
    if (!isExcluded(r)) return true;
    excluded++;
    return false;
  });
  const warnings: string[] = [];
  await tar.c(
    {
      file: to,
      gzip: true,
      cwd,
      portable: true,
      follow: false,
      linkCache: new NoHardLinks(),
      onwarn: (_code, message) => warnings.push(String(message)),
      filter: (path) => {
        if (!isExcluded(posix(path))) return true;
        excluded++;
        return false;
      },
      onWriteEntry: (entry) => {
        const s = entry.stat;
        if (!s) return;
        const type = s.isDirectory() ? 'directory' : s.isSymbolicLink() ? 'symlink' : 'file';
        seen.set(posix(entry.path), { size: s.size, mtimeMs: s.mtimeMs, type });
      },
    },
    kept,
  );
  if (warnings.length) throw new Error(`tar: ${warnings.slice(0, 3).join('; ')}`);
  return { seen, excluded };
}

/** Paths whose size or mtime changed since they were packed (a writer was busy): the archive mixes times. */
export async function changedSince(source: string, packed: PackedTree): Promise<string[]> {
  const top = await lstat(source);
  const cwd = top.isDirectory() ? source : dirname(source);
  const changed: string[] = [];
  for (const [rel, was] of packed.seen) {
    if (was.type !== 'file') continue;
    const now = await lstat(join(cwd, rel)).catch(() => undefined);
    if (!now || now.size !== was.size || now.mtimeMs !== was.mtimeMs) changed.push(rel);
  }
  return changed;
}

const TYPES: Record<string, FileEntry['type'] | undefined> = {
  File: 'file',
  OldFile: 'file',
  ContiguousFile: 'file',
  Directory: 'directory',
  SymbolicLink: 'symlink',
};

/**
 * Every entry of a gzip'd tar with each file's sha256, read in one streaming pass, sorted by path.
 * A damaged archive (bad gzip, a header checksum, a truncated body, an unexpected entry type)
 * throws, naming what tar or zlib found.
 */
export async function archiveEntries(archive: string, signal?: AbortSignal): Promise<FileEntry[]> {
  const entries: FileEntry[] = [];
  const problems: string[] = [];
  const parser = new tar.Parser({
    onwarn: (code, message) => problems.push(`${code}: ${String(message)}`),
    onReadEntry: (entry) => {
      const type = TYPES[entry.type];
      const path = posix(entry.path);
      if (!type) {
        problems.push(`unexpected ${entry.type} entry ${path}`);
        entry.resume();
        return;
      }
      const item: FileEntry = { path, type, sizeBytes: 0, mode: (entry.mode ?? 0) & 0o7777 };
      if (type === 'symlink') item.target = entry.linkpath ?? '';
      entries.push(item);
      if (type !== 'file') {
        entry.resume();
        return;
      }
      const hash = createHash('sha256');
      entry.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        item.sizeBytes += chunk.length;
      });
      entry.on('end', () => {
        item.sha256 = hash.digest('hex');
      });
    },
  });
  try {
    await pipeline(createReadStream(archive, { highWaterMark: 1 << 20, signal }), parser);
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (problems.length) throw new Error(problems.slice(0, 3).join('; '));
  return entries.filter((e) => e.path !== '' && e.path !== '.').sort(byPath);
}

const byPath = (a: FileEntry, b: FileEntry) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** The same listing of a tree on disk (a restored archive), links not followed. */
export async function treeEntries(dir: string, rel = ''): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  for (const name of (await readdir(join(dir, rel))).sort()) {
    const path = rel ? `${rel}/${name}` : name;
    const full = join(dir, path);
    const s = await lstat(full);
    const mode = s.mode & 0o7777;
    if (s.isSymbolicLink())
      out.push({ path, type: 'symlink', sizeBytes: 0, mode, target: await readlink(full) });
    else if (s.isDirectory()) {
      out.push({ path, type: 'directory', sizeBytes: 0, mode });
      out.push(...(await treeEntries(dir, path)));
    } else {
      const sha256 = createHash('sha256')
        .update(await readFile(full))
        .digest('hex');
      out.push({ path, type: 'file', sizeBytes: s.size, mode, sha256 });
    }
  }
  return rel ? out : out.sort(byPath);
}

/**
 * Differences between a manifest's file list and what was found, each naming the path: missing,
 * not in the manifest, another type, another size, another sha256, another link target.
 * Modes are not compared (extraction applies the umask).
 */
export function compareFileLists(expected: readonly FileEntry[], found: readonly FileEntry[]): string[] {
  const have = new Map(found.map((e) => [e.path, e]));
  const want = new Set(expected.map((e) => e.path));
  const problems: string[] = [];
  for (const e of expected) {
    const f = have.get(e.path);
    if (!f) problems.push(`${e.type} missing: ${e.path}`);
    else if (f.type !== e.type) problems.push(`${e.path} is a ${f.type}, manifest says ${e.type}`);
    else if (e.type === 'file' && f.sizeBytes !== e.sizeBytes)
      problems.push(`size mismatch: ${e.path} is ${f.sizeBytes} bytes, manifest says ${e.sizeBytes}`);
    else if (e.type === 'file' && f.sha256 !== e.sha256)
      problems.push(
        `digest mismatch: sha256 of ${e.path} is ${f.sha256?.slice(0, 12)}…, manifest says ${e.sha256?.slice(0, 12)}…`,
      );
    else if (e.type === 'symlink' && f.target !== e.target)
      problems.push(`link ${e.path} points to ${f.target}, manifest says ${e.target}`);
  }
  for (const f of found) if (!want.has(f.path)) problems.push(`not in the manifest: ${f.type} ${f.path}`);
  return problems;
}
