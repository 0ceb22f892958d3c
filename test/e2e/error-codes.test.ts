import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Verdict } from '../../src/model/verdict.ts';
import { readVerdict, rollgate, tempReports } from './helpers.ts';

const RUNBOOK = 'test/fixtures/runbooks/error-codes.runbook.ts';

interface AllureResult {
  name: string;
  labels: { name: string; value: string }[];
  parameters: { name: string; value: string }[];
  statusDetails: { message: string; trace?: string };
  steps: { status: string }[];
}

let reports: string;
let verdict: Verdict;
let all: string;

/** One real gate over a vitest suite and a Playwright spec whose checks fail with coded errors. */
beforeAll(async () => {
  reports = tempReports();
  const r = await rollgate(['gate', 'codes', '--runbook', RUNBOOK, '--release', '1.0.0'], {
    ROLLGATE_REPORTS_DIR: reports,
  });
  all = r.all;
  expect(r.exitCode, r.all).toBe(1);
  verdict = readVerdict(reports);
});

const EXPECTED: [id: string, status: string, code: string | undefined][] = [
  ['codes/passes', 'passed', undefined],
  ['codes/no-data', 'errored', 'ROLLGATE_NO_DATA'],
  ['codes/inconclusive', 'errored', 'ROLLGATE_INCONCLUSIVE'],
  ['codes/unreachable', 'errored', 'ROLLGATE_TARGET_UNREACHABLE'],
  // A system error's own code travels too; it is not a rollgate code, so it has no listed fix.
  ['codes/system', 'errored', 'ENOENT'],
  ['codes/assertion', 'failed', undefined],
  // Playwright: through the check fixture, and from a test that does not use it.
  ['codes/pw-no-data', 'errored', 'ROLLGATE_NO_DATA'],
  ['codes/pw-plain', 'errored', 'ROLLGATE_TIMEOUT'],
  // An ObservationError the test caught is not what it failed with: no code.
  ['codes/pw-caught', 'failed', undefined],
];

describe('error codes travel as fields from both runners', () => {
  test('verdict.json carries each check code, never read out of its message', () => {
    expect(verdict.checks.map((c) => [c.id, c.status, c.code])).toEqual(EXPECTED);
    for (const c of verdict.checks)
      if (c.code?.startsWith('ROLLGATE_')) expect(c.message).not.toContain(c.code);
  });

  test('measurements carry their outcome: pass, no-data, inconclusive', () => {
    const outcomes = Object.fromEntries(
      verdict.checks.map((c) => [c.id, c.measurements.map((m) => [m.outcome, m.passed])]),
    );
    expect(outcomes['codes/passes']).toEqual([['pass', true]]);
    expect(outcomes['codes/no-data']).toEqual([['no-data', false]]);
    expect(outcomes['codes/inconclusive']).toEqual([['inconclusive', false]]);
    expect(outcomes['codes/pw-no-data']).toEqual([['no-data', false]]);
  });

  test('JUnit gives each <failure>/<error> its code as type, and the listed fix in its text', () => {
    const xml = readFileSync(path.join(reports, 'latest', 'junit.xml'), 'utf8');
    const cases = xml.match(/<testcase [\s\S]*?<\/testcase>/g) ?? [];
    const types = EXPECTED.map(([id]) => {
      const tc = cases.find((c) => c.includes(`[${id}]"`));
      return [id, /<(?:failure|error) [^>]*type="([^"]+)"/.exec(tc ?? '')?.[1]];
    });
    expect(types).toEqual(EXPECTED.map(([id, , code]) => [id, code]));
    expect(xml).toContain('ROLLGATE_TIMEOUT: check the target is up and not overloaded');
  });

  test('Allure labels and parameters each coded check with its code', () => {
    const dir = path.join(reports, 'latest', 'allure-results');
    const results = readdirSync(dir)
      .filter((f) => f.endsWith('-result.json'))
      .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as AllureResult);
    const byId = new Map(results.map((r) => [r.labels.find((l) => l.name === 'AS_ID')!.value, r]));
    for (const [id, , code] of EXPECTED) {
      const r = byId.get(id)!;
      expect([id, r.labels.find((l) => l.name === 'code')?.value]).toEqual([id, code]);
      expect([id, r.parameters.find((p) => p.name === 'code')?.value]).toEqual([id, code]);
    }
    expect(byId.get('codes/unreachable')!.statusDetails.trace).toBe(
      'ROLLGATE_TARGET_UNREACHABLE: start the target or correct its baseURL (--base-url)',
    );
    // A measurement with no data is a broken step, not a failed one.
    expect(byId.get('codes/no-data')!.steps.map((s) => s.status)).toEqual(['broken']);
  });

  test('the codes attachment is transport, not evidence', () => {
    expect(all).not.toContain('rollgate-error-codes');
    for (const c of verdict.checks)
      expect(c.evidence.map((e) => e.name)).not.toContain('rollgate-error-codes');
  });
});
