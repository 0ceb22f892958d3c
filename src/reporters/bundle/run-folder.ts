import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { RollgateError } from '../../config/errors.ts';
import { RunbookGit } from '../../model/attestation.ts';
import { Verdict } from '../../model/verdict.ts';

/** Run ids are folder names rollgate made: no separators, no `..`. */
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * What of a run folder is evidence: the verdict, JUnit, the markdown summary, Allure results,
 * attachments and Playwright's output (traces, screenshots). Anything else there (runner output,
 * an embedded app's database, scratch files of whatever wrote to the folder) stays out, each
 * listed in the manifest with why.
 */
const BUNDLED = new Set([
  'verdict.json',
  'junit.xml',
  'summary.md',
  'allure-results',
  'evidence',
  'playwright',
]);
const LEFT_OUT: Record<string, string> = {
  raw: 'what vitest and Playwright handed the engine; the verdict, JUnit and Allure results hold what was judged',
};
const NOT_EVIDENCE =
  'not evidence a bundle holds (only verdict.json, junit.xml, summary.md, allure-results/, evidence/ and playwright/ are)';

export interface RunFolder {
  runId: string;
  dir: string;
  verdict: Verdict;
  /** `verdict.runbookGit` when the run recorded it. */
  git?: RunbookGit;
  /** Regular files to bundle, relative to the run folder with `/`, sorted. */
  files: string[];
  /** What was left out, each saying why. */
  excluded: string[];
}

/** `latest` or a run id → the run id, refusing anything that is not a plain folder name. */
export function resolveRunId(reportsDir: string, given: string | undefined): string {
  if (!given)
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      'usage: rollgate bundle <run-id|latest> [--key <private-key.pem>] [--out <file.tar.gz>] (run ids are the folders of reports/runs/)',
    );
  if (given === 'latest') {
    const latest = path.join(reportsDir, 'latest');
    if (!existsSync(latest))
      throw new RollgateError(
        'ROLLGATE_RUN_NOT_FOUND',
        `${latest}: no latest run; run a gate first, or name a run id.`,
      );
    return path.basename(realpathSync(latest));
  }
  if (!RUN_ID.test(given))
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      `"${given}" is not a run id (a folder name of reports/runs/, such as 20260308T063000Z-abc123).`,
    );
  return given;
}

function walk(dir: string, rel: string, out: string[], excluded: string[]): void {
  for (const name of readdirSync(path.join(dir, rel)).sort()) {
    const child = rel ? `${rel}/${name}` : name;
    const stat = lstatSync(path.join(dir, child));
    if (!rel && !BUNDLED.has(name)) {
      excluded.push(`${name}${stat.isDirectory() ? '/' : ''}: ${LEFT_OUT[name] ?? NOT_EVIDENCE}`);
      continue;
    }
    if (stat.isDirectory()) walk(dir, child, out, excluded);
    else if (stat.isFile()) out.push(child);
    else
      excluded.push(
        `${child}: ${stat.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}, never followed`,
      );
  }
}

/**
 * A run folder's verdict (schema-checked), its runbook git revision, and its files. A missing
 * folder or verdict is `ROLLGATE_RUN_NOT_FOUND`: only a run that decided can be attested.
 */
export function readRunFolder(reportsDir: string, runId: string): RunFolder {
  const dir = path.join(reportsDir, 'runs', runId);
  const file = path.join(dir, 'verdict.json');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const runs = path.join(reportsDir, 'runs');
    const known = existsSync(runs) ? readdirSync(runs).sort().slice(-5) : [];
    throw new RollgateError(
      'ROLLGATE_RUN_NOT_FOUND',
      code === 'ENOENT'
        ? `${file}: no such run (no verdict.json). ${known.length ? `Newest runs: ${known.join(', ')}` : `No runs in ${runs}`}; rollgate history lists them.`
        : `${file}: cannot be read as JSON (${(error as Error).message}).`,
    );
  }
  const parsed = Verdict.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RollgateError(
      'ROLLGATE_RUN_NOT_FOUND',
      `${file}: not a verdict this rollgate reads (${issue?.path.join('.') || '(root)'}: ${issue?.message}).`,
    );
  }
  // Read beside the schema, so a verdict from a rollgate with or without the field reads the same.
  const git = RunbookGit.safeParse((json as { runbookGit?: unknown }).runbookGit);
  const files: string[] = [];
  const excluded: string[] = [];
  walk(dir, '', files, excluded);
  return {
    runId,
    dir,
    verdict: parsed.data,
    git: git.success ? git.data : undefined,
    files,
    excluded: excluded.map((e) => `runs/${runId}/${e}`),
  };
}
