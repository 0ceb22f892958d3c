import { lstat, realpath } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { FileEntry } from './manifest.ts';

/**
 * Whether a restored folder stays a closed world: no symbolic link in it leads outside it, and no
 * entry sits under a link that does. A drill's app follows links; one recorded as
 * `uploads -> /srv/uploads` or `../elsewhere` would let it read and write the user's live data.
 */

/** How many links one path may go through before it counts as a loop (as Linux's ELOOP). */
const MAX_HOPS = 40;

class Escape {
  constructor(
    readonly why: string,
    public link?: FileEntry,
  ) {}
}

/**
 * Resolves `parts` from `at` inside the tree `byPath` (paths relative to its top), following the
 * links the tree holds, as the operating system would; a path that does not exist is taken
 * as written. Throws an Escape when the walk would leave the top.
 */
function walk(byPath: Map<string, FileEntry>, at: string[], parts: string[], hops: number): string[] {
  const cur = [...at];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (!cur.length) throw new Escape('climbs out of the folder');
      cur.pop();
      continue;
    }
    cur.push(part);
    const entry = byPath.get(cur.join('/'));
    if (entry?.type !== 'symlink') continue;
    cur.pop();
    const target = entry.target ?? '';
    if (hops >= MAX_HOPS) throw new Escape('goes through too many links (a loop)', entry);
    if (target.startsWith('/') || /^[A-Za-z]:[\\/]/.test(target))
      throw new Escape('is an absolute path', entry);
    try {
      cur.splice(0, cur.length, ...walk(byPath, cur, target.split(/[\\/]/), hops + 1));
    } catch (error) {
      if (error instanceof Escape) error.link ??= entry;
      throw error;
    }
  }
  return cur;
}

/**
 * Every entry of a folder backup's list (a manifest's, an archive's, or a restored tree's) that
 * leads outside the folder: a link whose target is absolute or climbs out with `..` (through
 * other links too), and any entry under such a link. Each problem names the link.
 */
export function linksLeavingTree(entries: readonly FileEntry[]): string[] {
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const problems: string[] = [];
  for (const e of entries) {
    try {
      walk(byPath, [], e.path.split('/'), 0);
    } catch (error) {
      if (!(error instanceof Escape)) throw error;
      const link = error.link;
      if (!link) problems.push(`${e.path}: its path ${error.why}`);
      else if (link.path === e.path)
        problems.push(
          `link ${link.path} -> ${link.target} leads outside the folder (its target ${error.why})`,
        );
      else
        problems.push(
          `${e.path} is reached through link ${link.path} -> ${link.target}, which leads outside the folder`,
        );
    }
  }
  return problems;
}

const inside = (top: string, p: string) => {
  const rel = relative(top, p);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep));
};

/**
 * The same on disk, by the operating system's own resolution: every entry's parent folder, and
 * every link's target when it exists, must have its real path inside `dir`'s.
 */
export async function realPathsLeavingTree(dir: string, entries: readonly FileEntry[]): Promise<string[]> {
  const top = await realpath(dir);
  const problems: string[] = [];
  for (const e of entries) {
    const full = join(dir, ...e.path.split('/'));
    const parent = await realpath(dirname(full)).catch(() => undefined);
    if (parent === undefined || !inside(top, parent)) {
      problems.push(`${e.path}: its folder's real path ${parent ?? '(unresolvable)'} is outside ${top}`);
      continue;
    }
    if (!(await lstat(full).catch(() => undefined))?.isSymbolicLink()) continue;
    const real = await realpath(full).catch(() => undefined);
    if (real !== undefined && !inside(top, real))
      problems.push(`link ${e.path} -> ${e.target} resolves to ${real}, outside ${top}`);
  }
  return problems;
}
