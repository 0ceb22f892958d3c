import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { RuleIssue } from '../model/runbook-rules.ts';
import { closest } from './closest.ts';
import { expandGlobs } from './glob.ts';

/**
 * Files a runbook names that must exist before a gate is worth starting: vitest suites, Playwright
 * specs and load profiles, each a path or a glob resolved from the project root (the current
 * directory), and the recorded series of metricTests (one file each, no glob: promtool reads it as
 * named). A suite that matches no file would only ever hold the stage; say so up front.
 */

/** Whether a path (file or folder) or a glob matches anything under `root`. */
export function matchesAnything(pattern: string, root: string): boolean {
  if (!/[*?{[]/.test(pattern))
    return statSync(path.resolve(root, pattern), { throwIfNoEntry: false }) !== undefined;
  return expandGlobs([pattern], root).files.length > 0;
}

/**
 * What is wrong with a recorded series path (`file`, resolved from `root`), or undefined when it is a
 * file: missing (with the nearest file name in its folder, when one is close) or a folder.
 */
export function seriesFileProblem(file: string, root: string): string | undefined {
  const abs = path.resolve(root, file);
  const stat = statSync(abs, { throwIfNoEntry: false });
  if (stat?.isFile()) return undefined;
  const where = `under ${root} (resolved from the project root, the current directory)`;
  if (stat) return `${file} is a folder ${where}, not a series file: name the .om file in it`;
  let names: string[] = [];
  try {
    names = readdirSync(path.dirname(abs));
  } catch {
    // The folder is missing too: no name to suggest.
  }
  const near = closest(path.basename(abs), names);
  const guess = near ? `; did you mean ${path.join(path.dirname(file), near)}?` : '';
  return `${file} does not exist ${where}${guess}: fix the path, or run rollgate from the project root`;
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
    for (const [i, t] of list(s.metricTests).entries()) {
      const file = obj(t).series;
      const problem = typeof file === 'string' && file ? seriesFileProblem(file, root) : undefined;
      if (problem) out.push({ path: ['stages', name, 'metricTests', i, 'series'], message: problem });
    }
  }
  return out;
}
