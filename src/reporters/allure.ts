import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeMeasurement } from '../checks/budget.ts';
import { redactBytes } from '../checks/redact/redact-bytes.ts';
import { removedNotePath } from '../checks/redact/redact-files.ts';
import { removalNote } from '../checks/redact/zip-redact.ts';
import { maskDeep } from '../config/mask.ts';
import type { CheckResult, CheckStatus } from '../model/check-result.ts';
import { errorCodeInfo } from '../model/error-codes.ts';
import type { Evidence } from '../model/evidence.ts';
import { type MeasurementOutcome, outcomeOf } from '../model/measurement.ts';
import type { Verdict } from '../model/verdict.ts';

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
      { name: 'parentSuite', value: `${v.runbook} / ${v.stage}` },
      { name: 'suite', value: c.suite },
      { name: 'epic', value: v.runbook },
      { name: 'feature', value: v.stage },
      { name: 'tag', value: c.blocking ? 'blocking' : 'advisory' },
      { name: 'tag', value: c.kind },
      { name: 'AS_ID', value: c.id },
      ...code,
    ],
    parameters: [
      { name: 'check id', value: c.id },
      { name: 'rollgate status', value: c.status },
      { name: 'release', value: v.target.version },
      ...code,
    ],
    links: [],
    steps,
    attachments: c.evidence.map((e) => attach(dir, e, mask)).filter(Boolean),
  };
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
  ];
  writeFileSync(path.join(dir, 'environment.properties'), mask(`${env.join('\n')}\n`));
  return dir;
}
