import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { check, readVerdict, rollgate, tempReports } from '../e2e/helpers.ts';

const RUNBOOK = ['--runbook', 'test/fixtures/runbooks/builtin.runbook.ts'];
const IDS = [
  'probes/health-simple',
  'probes/health-deep',
  'probes/version-matches',
  'probes/jwks',
  'hygiene/secret-scan',
  'hygiene/runtime-config',
];

/** A stage made only of built-ins, planned and gated end to end against the embedded demo. */
describe('a stage of built-in checks', () => {
  test('plan lists them by id; the gate runs them in the engine and PROMOTEs with their records', async () => {
    const plan = await rollgate(['plan', 'declared', ...RUNBOOK, '--json'], {});
    expect(plan.exitCode, plan.all).toBe(0);
    const planned = JSON.parse(plan.stdout) as {
      checks: { id: string; title: string; kind: string; blocking: boolean }[];
    };
    // The sign-in first (the demo declares its form login), as the gate reports it.
    expect(planned.checks.map((c) => [c.id, c.kind, c.blocking])).toEqual([
      ['auth/sign-in', 'harness', true],
      ...IDS.map((id) => [id, 'builtin', id !== 'probes/jwks']),
    ]);

    const reports = tempReports();
    const r = await rollgate(['gate', 'declared', ...RUNBOOK], { ROLLGATE_REPORTS_DIR: reports });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toMatch(/^PROMOTE demo\/declared/m);
    expect(r.all).toContain(`planned ${IDS.length + 1} check(s)`);
    const v = readVerdict(reports);
    expect(v.checks[0]?.title).toBe(planned.checks[0]?.title);
    // Signed in once (the demo declares its form login), then the built-ins in the stage's order.
    expect(v.checks.map((c) => [c.id, c.kind, c.status])).toEqual([
      ['auth/sign-in', 'harness', 'passed'],
      ...IDS.map((id) => [id, 'builtin', 'passed']),
    ]);
    expect(check(v, 'probes/version-matches').measurements[0]).toMatchObject({
      name: 'version',
      actual: '0.1.0',
      passed: true,
    });
    expect(check(v, 'probes/health-deep').measurements.at(-1)).toMatchObject({
      name: 'latency',
      operator: '<=',
      expected: 2000,
      unit: 'ms',
    });
    expect(check(v, 'probes/health-simple').evidence[0]?.body).toMatch(
      /^200 http:\/\/127\.0\.0\.1:\d+\/api\/simple-health/,
    );
    expect(check(v, 'probes/jwks').blocking).toBe(false);
    const junit = readFileSync(path.join(reports, 'latest', 'junit.xml'), 'utf8');
    for (const id of IDS) expect(junit).toContain(id);
  });

  test('a budget the stage declares that none of its checks measures HOLDs, naming it and the fix', async () => {
    const reports = tempReports();
    const r = await rollgate(['gate', 'unmeasured', ...RUNBOOK], { ROLLGATE_REPORTS_DIR: reports });
    expect(r.exitCode, r.all).toBe(1);
    const v = readVerdict(reports);
    // Every check ran and passed: only the budget nobody judged holds the stage.
    expect(v.checks.filter((c) => c.status !== 'passed').map((c) => [c.id, c.status, c.code])).toEqual([
      ['stage/budget-availability', 'errored', 'ROLLGATE_BUDGET_UNMEASURED'],
    ]);
    expect(v.reasons.join('\n')).toContain(
      'stage "unmeasured" declares the budget availability >= 0.999 ratio, but no check of this run measured availability',
    );
  });
});
