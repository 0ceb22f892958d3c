import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { RuleIssue } from '../model/runbook-rules.ts';

/**
 * Files a runbook names that must exist before a gate is worth starting: vitest suites, Playwright
 * specs and load profiles, each a path or a glob resolved from the project root (the current
 * directory). A suite that matches no file would only ever hold the stage; say so up front.
 */

const GLOB = /[*?{[]/;
const SKIPPED = new Set(['node_modules', '.git']);

/** `*` and `?` stay inside a folder, `**` spans folders, `{a,b}` alternates. */
function globRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '{') re += '(?:';
    else if (ch === '}') re += ')';
    else if (ch === ',') re += '|';
    else re += ch.replace(/[.+^$()|\\[\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function anyFile(dir: string, rel: string, re: RegExp, depth: number): boolean {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  return entries.some((e) => {
    const childRel = rel ? `${rel}/${e.name}` : e.name;
    if (e.isFile()) return re.test(childRel);
    return (
      e.isDirectory() &&
      depth > 0 &&
      !SKIPPED.has(e.name) &&
      anyFile(path.join(dir, e.name), childRel, re, depth - 1)
    );
  });
}

/** Whether a path (file or folder) or a glob matches anything under `root`. */
export function matchesAnything(pattern: string, root: string): boolean {
  if (!GLOB.test(pattern))
    return statSync(path.resolve(root, pattern), { throwIfNoEntry: false }) !== undefined;
  const segments = pattern.split('/');
  const first = segments.findIndex((s) => GLOB.test(s));
  const base = segments.slice(0, first).join('/');
  const rest = segments.slice(first);
  const depth = rest.some((s) => s.includes('**')) ? 12 : rest.length - 1;
  const re = globRegExp(rest.join('/'));
  return anyFile(path.resolve(root, base || '.'), '', re, depth);
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};

/**
 * Every file reference of a runbook (read from the raw export, so these are reported together with
 * schema problems) that matches nothing under `root`.
 */
export function missingFileIssues(runbook: unknown, root: string): RuleIssue[] {
  const out: RuleIssue[] = [];
  const check = (value: unknown, at: (string | number)[], what: string) => {
    if (typeof value !== 'string' || !value || matchesAnything(value, root)) return;
    out.push({
      path: at,
      message: `${what} "${value}" matches no file under ${root} (resolved from the project root, the current directory): fix the path, or run rollgate from the project root`,
    });
  };
  for (const [name, stage] of Object.entries(obj(obj(runbook).stages))) {
    const s = obj(stage);
    for (const [i, v] of list(s.suites).entries()) check(v, ['stages', name, 'suites', i], 'suite');
    for (const [i, v] of list(obj(s.smoke).specs).entries())
      check(v, ['stages', name, 'smoke', 'specs', i], 'spec');
    check(obj(s.load).profile, ['stages', name, 'load', 'profile'], 'load profile');
  }
  return out;
}
