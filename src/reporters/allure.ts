import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeMeasurement } from '../checks/budget.ts';
import { redactBytes } from '../checks/redact/redact-bytes.ts';
import { removedNotePath } from '../checks/redact/redact-files.ts';
import { removalNote } from '../checks/redact/zip-redact.ts';
import { maskDeep } from '../config/mask.ts';
import { signoffCheckId } from '../engine/steps/governance.ts';
import type { CheckResult, CheckStatus } from '../model/check-result.ts';
import { errorCodeInfo } from '../model/error-codes.ts';
import type { Evidence } from '../model/evidence.ts';
import { type MeasurementOutcome, outcomeOf } from '../model/measurement.ts';
import type { Verdict } from '../model/verdict.ts';
import { CATEGORY_LABEL, categoryOf, type FailureCategory } from './allure-categories.ts';

/** Allure has no "errored": its `broken` is exactly that (the test could not run to a verdict). */
const STATUS: Record<CheckStatus, string> = {
  passed: 'passed',
  failed: 'failed',
  errored: 'broken',
  skipped: 'skipped',
  flaky: 'passed',
  waived: 'skipped',
};

/** A measurement as a step: no data or too little to judge is `broken` (not observed), like an errored check. */
const MEASURED: Record<MeasurementOutcome, string> = {
  pass: 'passed',
  fail: 'failed',
  'no-data': 'broken',
  inconclusive: 'broken',
};

const EXT: Record<string, string> = {
  'image/png': '.png',
  'application/zip': '.zip',
  'application/json': '.json',
  'text/plain': '.txt',
  'text/html': '.html',
  'image/svg+xml': '.svg',
};

/**
 * Copies one piece of evidence into the results, cleaned like the run folder it comes from (text
 * masked, zips rewritten, base64 blobs cleaned); evidence removed because it could not be cleaned
 * is attached as the note that says so.
 */
function attach(dir: string, ev: Evidence, mask: (s: string) => string) {
  const note = ev.path && !existsSync(ev.path) ? removedNotePath(ev.path) : undefined;
  if (note && existsSync(note)) {
    const source = `${randomUUID()}-attachment.txt`;
    writeFileSync(path.join(dir, source), mask(readFileSync(note, 'utf8')));
    return { name: `${ev.name} (removed)`, source, type: 'text/plain' };
  }
  const source = `${randomUUID()}-attachment${EXT[ev.contentType] ?? path.extname(ev.path ?? '') ?? '.txt'}`;
  let data: Buffer;
  if (ev.body !== undefined) data = Buffer.from(ev.body);
  else if (ev.path && existsSync(ev.path)) data = readFileSync(ev.path);
  else return undefined;
  const r = redactBytes(data, mask);
  if (r.removed) {
    writeFileSync(path.join(dir, source), removalNote(ev.name, r.removed));
    return { name: `${ev.name} (removed)`, source, type: 'text/plain' };
  }
  writeFileSync(path.join(dir, source), r.data);
  return { name: ev.name, source, type: ev.contentType };
}

/** Writes a JSON record (a waiver, a sign-off) as an attachment of its own. */
function attachJson(dir: string, name: string, value: unknown, mask: (s: string) => string) {
  const source = `${randomUUID()}-attachment.json`;
  writeFileSync(path.join(dir, source), `${JSON.stringify(maskDeep(value, mask), null, 2)}\n`);
  return { name, source, type: 'application/json' };
}

/** A measurement as a parameter: its name, and the rest of its line ("812 ms violates <= 500 ms (1200 samples)"). */
function measurementParameters(c: CheckResult) {
  const seen = new Map<string, number>();
  return c.measurements.map((m) => {
    const n = (seen.get(m.name) ?? 0) + 1;
    seen.set(m.name, n);
    const line = describeMeasurement(m);
    return {
      name: n > 1 ? `${m.name} #${n}` : m.name,
      value: line.startsWith(`${m.name}: `) ? line.slice(m.name.length + 2) : line,
      // Values change from run to run: excluded, so Allure keeps one history per check.
      excluded: true,
    };
  });
}

/**
 * The result's identity across runs. Allure 3 derives a result's history id from its test case
 * (the AS_ID label) and its parameters that are not `excluded`: the stage is one, so two stages'
 * checks of the same id never merge; release, status, code and measurements are excluded, so a
 * check keeps one history while they change.
 */
function identity(v: Verdict, id: string) {
  return [
    { name: 'check id', value: id },
    { name: 'stage', value: `${v.runbook}/${v.stage}` },
  ];
}

function labels(v: Verdict, suite: string, id: string, category?: FailureCategory) {
  return [
    { name: 'parentSuite', value: `${v.runbook} / ${v.stage}` },
    { name: 'suite', value: suite },
    { name: 'epic', value: v.runbook },
    { name: 'feature', value: v.stage },
    { name: 'AS_ID', value: id },
    ...(category ? [{ name: CATEGORY_LABEL, value: category }] : []),
  ];
}

function result(v: Verdict, c: CheckResult, dir: string, mask: (s: string) => string) {
  const start = Date.parse(v.startedAt);
  const steps = c.measurements.map((m) => ({
    name: describeMeasurement(m),
    status: MEASURED[outcomeOf(m)],
    stage: 'finished',
    start,
    stop: start,
    steps: [],
    attachments: [],
    parameters: [],
  }));
  const detail = c.notApplicable ? `not applicable: ${c.notApplicable}` : c.message;
  const fix = errorCodeInfo(c.code)?.fix;
  // The error code as a label (filter by it) and a parameter (shown on the test), its fix in the trace.
  const code = c.code ? [{ name: 'code', value: c.code }] : [];
  const signoff = v.signoffs.find((so) => signoffCheckId(so.title) === c.id);
  const records = [
    ...(c.waiver ? [attachJson(dir, 'waiver', c.waiver, mask)] : []),
    ...(signoff ? [attachJson(dir, 'sign-off', signoff, mask)] : []),
  ];
  return {
    uuid: randomUUID(),
    historyId: createHash('md5').update(`${v.runbook}:${v.stage}:${c.id}`).digest('hex'),
    testCaseId: createHash('md5').update(c.id).digest('hex'),
    name: c.title,
    fullName: `${v.runbook}/${v.stage}/${c.id}`,
    status: STATUS[c.status],
    statusDetails: {
      message: detail ?? '',
      ...(c.code ? { trace: fix ? `${c.code}: ${fix}` : c.code } : {}),
      flaky: c.status === 'flaky',
      known: c.status === 'waived',
    },
    stage: 'finished',
    start,
    stop: start + c.durationMs,
    labels: [
      ...labels(v, c.suite, c.id, categoryOf(c)),
      { name: 'tag', value: c.blocking ? 'blocking' : 'advisory' },
      { name: 'tag', value: c.kind },
      ...code,
    ],
    parameters: [
      ...identity(v, c.id),
      { name: 'rollgate status', value: c.status, excluded: true },
      { name: 'release', value: v.target.version, excluded: true },
      ...code.map((p) => ({ ...p, excluded: true })),
      ...measurementParameters(c),
    ],
    links: [],
    steps,
    attachments: [...c.evidence.map((e) => attach(dir, e, mask)).filter(Boolean), ...records],
  };
}

/** The check id of the run-level result {@link writeVerdictResult} writes. */
export const VERDICT_RESULT_ID = 'rollgate/verdict';

/**
 * One run-level result for a verdict: PROMOTE passed, HOLD failed with its reasons, and what
 * belongs to the run rather than to one check attached (reasons, sign-offs, window override,
 * overrides, the runbook's git revision). Its history across runs is the stage's verdicts. Kept
 * out of the run's own allure-results (one result per check there): `rollgate report` and the
 * history point of publish write it beside them.
 */
export function writeVerdictResult(v: Verdict, dir: string, mask: (s: string) => string): void {
  mkdirSync(dir, { recursive: true });
  const start = Date.parse(v.startedAt);
  const hold = v.verdict === 'hold';
  const word = hold ? 'HOLD' : 'PROMOTE';
  const s = v.summary;
  const message = hold
    ? `HOLD release ${v.target.version}, run ${v.runId}: ${v.reasons.join('; ')}`
    : `PROMOTE release ${v.target.version}, run ${v.runId}: ${s.passed + s.flaky + s.waived}/${s.total} checks passed or accepted`;
  const attachments = [
    attachJson(
      dir,
      'verdict',
      { verdict: word, runId: v.runId, release: v.target.version, reasons: v.reasons },
      mask,
    ),
    ...(v.signoffs.length ? [attachJson(dir, 'sign-offs', v.signoffs, mask)] : []),
    ...(v.windowOverride ? [attachJson(dir, 'window override', { reason: v.windowOverride }, mask)] : []),
    ...(v.overrides ? [attachJson(dir, 'overrides', v.overrides, mask)] : []),
    ...(v.runbookGit ? [attachJson(dir, 'runbook git', v.runbookGit, mask)] : []),
  ];
  const r = {
    uuid: randomUUID(),
    name: `${v.runbook}/${v.stage} verdict: ${word} (release ${v.target.version})`,
    fullName: `${v.runbook}/${v.stage}/${VERDICT_RESULT_ID}`,
    status: hold ? 'failed' : 'passed',
    statusDetails: { message, flaky: false, known: false },
    stage: 'finished',
    start,
    stop: start + v.durationMs,
    labels: [
      ...labels(v, 'verdict', VERDICT_RESULT_ID, hold ? 'hold' : undefined),
      { name: 'tag', value: 'verdict' },
    ],
    parameters: [
      ...identity(v, VERDICT_RESULT_ID),
      { name: 'verdict', value: word, excluded: true },
      { name: 'release', value: v.target.version, excluded: true },
      { name: 'run id', value: v.runId, excluded: true },
      ...(v.runbookGit
        ? [
            {
              name: 'runbook git',
              value: `${v.runbookGit.sha}${v.runbookGit.dirty ? ' (dirty)' : ''}`,
              excluded: true,
            },
          ]
        : []),
    ],
    links: [],
    steps: [],
    attachments,
  };
  writeFileSync(path.join(dir, `${r.uuid}-result.json`), JSON.stringify(maskDeep(r, mask)));
}

/** Writes Allure results for one run: one result per check, measurements as steps, evidence attached. */
export function writeAllure(v: Verdict, runDir: string, mask: (s: string) => string): string {
  const dir = path.join(runDir, 'allure-results');
  mkdirSync(dir, { recursive: true });
  for (const c of v.checks) {
    const r = result(v, c, dir, mask);
    writeFileSync(path.join(dir, `${r.uuid}-result.json`), JSON.stringify(maskDeep(r, mask)));
  }
  const env = [
    `runbook=${v.runbook}`,
    `stage=${v.stage}`,
    `release=${v.target.version}`,
    `target=${v.target.baseURL}`,
    `verdict=${v.verdict.toUpperCase()}`,
    `runId=${v.runId}`,
    ...(v.runbookGit
      ? [`runbookGit=${v.runbookGit.sha}${v.runbookGit.dirty ? ' (uncommitted changes)' : ''}`]
      : []),
  ];
  writeFileSync(path.join(dir, 'environment.properties'), mask(`${env.join('\n')}\n`));
  return dir;
}
