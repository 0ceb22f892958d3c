import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import type { AuditPolicy } from '../../model/declarations.ts';
import { fillTemplate } from '../../model/template.ts';
import { ObservationError } from '../authoring/errors.ts';
import type { TargetDeclaration } from '../authoring/target-context.ts';
import {
  describeOffenders,
  judgeAudit,
  NPM_FAILED,
  type NpmAuditReport,
  parseNpmAudit,
} from '../probes/npm-audit.ts';
import type { BuiltinAssessment, BuiltinRun } from './run.ts';

/** Time `npm audit` may take: under the built-in's own 30 s, so npm is stopped, never left running. */
export const NPM_AUDIT_TIMEOUT_MS = 25_000;

const DAY_MS = 86_400_000;

/** Where a report came from: a recording (with its file's age) or npm run now. */
type Source =
  | { kind: 'recorded'; file: string; mtime: string; ageDays: number }
  | { kind: 'live'; dir: string; command: string };

/** The report's origin in a few words, for the message and the measurements' note. */
function describeSource(s: Source): string {
  if (s.kind === 'live') return `${s.command} in ${s.dir}`;
  const age = s.ageDays < 1 ? 'less than a day old' : `${s.ageDays} day${s.ageDays === 1 ? '' : 's'} old`;
  return `recorded report ${s.file} (written ${s.mtime}, ${age})`;
}

/** The recorded `npm audit --json` of `audit.report` (from the project root, `${NAME}` filled). */
function readRecorded(report: string, run: BuiltinRun): { report: NpmAuditReport; source: Source } {
  const rel = fillTemplate(report, run.env, (name) => {
    throw new ObservationError(
      `audit.report reads \${${name}}, which is not set: set ${name} to the recorded report's path`,
      'ROLLGATE_MISSING_ENV',
    );
  });
  const file = path.resolve(run.root, rel);
  let text: string;
  let mtime: Date;
  try {
    mtime = statSync(file).mtime;
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ObservationError(
      `audit.report: cannot read ${rel} (${code}); record one with \`npm audit --json > ${rel}\` or correct the path (from the project root)`,
      'ROLLGATE_CONFIG',
    );
  }
  const source: Source = {
    kind: 'recorded',
    file: rel,
    mtime: mtime.toISOString(),
    ageDays: Math.max(0, Math.floor((Date.now() - mtime.getTime()) / DAY_MS)),
  };
  return { report: parseNpmAudit(text, `the recorded report ${rel}`), source };
}

/** The last lines npm wrote to stderr (its `npm error …` lines say why). */
function stderrTail(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/complete log of this run/i.test(l));
  return lines.slice(-4).join(' / ');
}

/** `npm audit --json [--omit=dev]` in `audit.dir`; a non-zero exit is normal when there are advisories. */
async function runNpmAudit(
  audit: AuditPolicy,
  run: BuiltinRun,
): Promise<{ report: NpmAuditReport; source: Source; raw: string }> {
  const dir = path.resolve(run.root, audit.dir);
  if (!existsSync(dir))
    throw new ObservationError(
      `audit.dir: ${audit.dir} does not exist (from the project root)`,
      'ROLLGATE_CONFIG',
    );
  const args = ['audit', '--json', ...(audit.omitDev ? ['--omit=dev'] : [])];
  const command = `npm ${args.join(' ')}`;
  const r = await execa('npm', args, {
    cwd: dir,
    env: run.env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: NPM_AUDIT_TIMEOUT_MS,
  });
  if (r.timedOut)
    throw new ObservationError(
      `${command} in ${audit.dir} did not finish within ${NPM_AUDIT_TIMEOUT_MS / 1000} s (stopped): is the registry reachable?`,
      'ROLLGATE_TIMEOUT',
    );
  if (r.exitCode === undefined)
    throw new ObservationError(
      `npm could not be started for the dependency audit (${(r as { code?: string }).code ?? r.shortMessage}): install Node.js with npm, or record a report and declare audit.report`,
    );
  const stdout = String(r.stdout);
  const stderr = stderrTail(String(r.stderr));
  try {
    return {
      report: parseNpmAudit(stdout, `${command} in ${audit.dir}, exit code ${r.exitCode}`),
      source: { kind: 'live', dir: audit.dir, command },
      raw: stdout,
    };
  } catch (error) {
    // npm's error JSON holds its reason already; for anything else its stderr says what happened.
    if (error instanceof ObservationError && stderr && !error.message.startsWith(NPM_FAILED))
      throw new ObservationError(`${error.message}; npm said: ${stderr}`, error.code);
    throw error;
  }
}

/**
 * `hygiene/dependency-audit`: the dependencies' advisories, from `npm audit --json` run in
 * `audit.dir` or a recorded report of it (`audit.report`), within `audit.budget` vulnerable
 * packages per severity. A report npm could not make (no registry, no lockfile, npm missing) or
 * that is not a v2 report is errored, never passed.
 */
export async function checkDependencyAudit(
  declaration: TargetDeclaration,
  run: BuiltinRun,
): Promise<BuiltinAssessment> {
  const audit = declaration.audit;
  if (!audit) throw new ObservationError('the target declares no audit', 'ROLLGATE_CONFIG');
  const got = audit.report
    ? { ...readRecorded(audit.report, run), raw: undefined }
    : await runNpmAudit(audit, run);
  const from = describeSource(got.source);
  const j = judgeAudit(got.report, audit.budget, from);
  const summary = {
    source: got.source,
    budget: audit.budget,
    counts: j.counts,
    overBudget: j.over,
    packages: j.packages,
  };
  const evidence = [
    {
      name: 'dependency-audit.json',
      contentType: 'application/json',
      body: JSON.stringify(summary, null, 2),
    },
    ...(got.raw ? [{ name: 'npm-audit.json', contentType: 'application/json', body: got.raw }] : []),
  ];
  const over = j.over.map((s) => `${s} ${j.counts[s]} (budget ${audit.budget[s]})`).join(', ');
  return {
    subject: `dependency audit (${from})`,
    rules: j.rules,
    measurements: j.measurements,
    evidence,
    ...(j.over.length
      ? {
          message: [`dependency advisories over budget, ${over}: ${from}`, ...describeOffenders(j)].join(
            '\n',
          ),
        }
      : {}),
  };
}
