import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Folders never worth walking for config files: dependencies and VCS data. */
const SKIPPED_DIRS = new Set(['node_modules', '.git']);
const GLOB_CHARS = /[*?{[]/;

function escapeRegExp(text: string): string {
  return text.replace(/[.+^$()|\\\]]/g, '\\$&');
}

/**
 * Turns a glob into a RegExp over `/`-separated paths: `**` spans folders, `*` and `?` stay inside
 * one, `{a,b}` alternates. Unlike a shell, `*` matches dotfiles too: `.env*` and `deploy/*` must
 * find `.env.production`, the very file a secret is most likely to sit in.
 * @example globToRegExp('deploy/docker-compose*.{yml,yaml}').test('deploy/docker-compose.prod.yml') // true
 */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else if (ch === '{') {
      braces++;
      out += '(?:';
    } else if (ch === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (ch === ',' && braces > 0) out += '|';
    else if (ch === '[') out += '\\[';
    else out += escapeRegExp(ch);
  }
  return new RegExp(`^${out}$`);
}

function walk(dir: string, depth: number, out: string[]): void {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // A folder that does not exist matches nothing; the caller reports zero matches.
  }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory() && depth > 0 && !SKIPPED_DIRS.has(e.name)) walk(full, depth - 1, out);
    else if (e.isFile()) out.push(full);
  }
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/**
 * Files matching any of `patterns`, relative to `root` unless absolute, sorted and without
 * duplicates, with how many files each pattern matched (so a typo'd pattern can be named).
 */
export function expandGlobs(
  patterns: readonly string[],
  root: string,
): { files: string[]; matches: Record<string, number> } {
  const found = new Set<string>();
  const matches: Record<string, number> = {};
  for (const pattern of patterns) {
    const abs = toPosix(path.resolve(root, pattern));
    const segments = abs.split('/');
    const firstGlob = segments.findIndex((s) => GLOB_CHARS.test(s));
    let hits: string[] = [];
    if (firstGlob < 0) {
      hits = statSync(abs, { throwIfNoEntry: false })?.isFile() ? [path.resolve(abs)] : [];
    } else {
      const base = segments.slice(0, firstGlob).join('/') || '/';
      const rest = segments.slice(firstGlob);
      const depth = rest.some((s) => s.includes('**')) ? 12 : rest.length - 1;
      const candidates: string[] = [];
      walk(base, depth, candidates);
      const re = globToRegExp(abs);
      hits = candidates.filter((f) => re.test(toPosix(f)));
    }
    matches[pattern] = hits.length;
    for (const h of hits) found.add(h);
  }
  return { files: [...found].sort(), matches };
}

/** How a file is named in findings: relative to the root when inside it, else absolute. */
export function displayPath(file: string, root: string): string {
  const rel = path.relative(root, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? toPosix(rel) : toPosix(file);
}
