import { createHash, randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeMeasurement } from '../checks/budget.ts';
import { maskDeep } from '../config/mask.ts';
import type { CheckResult, CheckStatus } from '../model/check-result.ts';
import type { Evidence } from '../model/evidence.ts';
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

const EXT: Record<string, string> = {
  'image/png': '.png',
  'application/zip': '.zip',
  'application/json': '.json',
  'text/plain': '.txt',
  'text/html': '.html',
  'image/svg+xml': '.svg',
};

function attach(dir: string, ev: Evidence, mask: (s: string) => string) {
  const source = `${randomUUID()}-attachment${EXT[ev.contentType] ?? path.extname(ev.path ?? '') ?? '.txt'}`;
  const textual = /^text\/|json|xml|svg/.test(ev.contentType);
  if (ev.body !== undefined) writeFileSync(path.join(dir, source), mask(ev.body));
  else if (ev.path && existsSync(ev.path) && textual)
    writeFileSync(path.join(dir, source), mask(readFileSync(ev.path, 'utf8')));
  else if (ev.path && existsSync(ev.path)) copyFileSync(ev.path, path.join(dir, source));
  else return undefined;
  return { name: ev.name, source, type: ev.contentType };
}

function result(v: Verdict, c: CheckResult, dir: string, mask: (s: string) => string) {
  const start = Date.parse(v.startedAt);
  const steps = c.measurements.map((m) => ({
    name: describeMeasurement(m),
    status: m.passed ? 'passed' : 'failed',
    stage: 'finished',
    start,
    stop: start,
    steps: [],
    attachments: [],
    parameters: [],
  }));
  const detail = c.notApplicable ? `not applicable: ${c.notApplicable}` : c.message;
  return {
    uuid: randomUUID(),
    historyId: createHash('md5').update(`${v.runbook}:${v.stage}:${c.id}`).digest('hex'),
    testCaseId: createHash('md5').update(c.id).digest('hex'),
    name: c.title,
    fullName: `${v.runbook}/${v.stage}/${c.id}`,
    status: STATUS[c.status],
    statusDetails: { message: detail ?? '', flaky: c.status === 'flaky', known: c.status === 'waived' },
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
    ],
    parameters: [
      { name: 'check id', value: c.id },
      { name: 'rollgate status', value: c.status },
      { name: 'release', value: v.target.version },
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
