import { describe, expect, test } from 'vitest';
import { check, readVerdict, rollgate, tempReports } from './helpers.ts';

/** Load gates end to end that no other file runs: a refused load host, and a k6 summary from elsewhere; engines, statistics and the faults are tested at check level in test/load. */
describe('load budgets in the canary gate', () => {
  // DEMO_CANARY_FAULTS=slow against a healthy baseline (the comparison's HOLD: p-value, both
  // distributions, the chart, the p95 budget broken too, and the reason the verdict gives) is judged
  // at check level against long-lived demos in test/load/canary-stage.test.ts: 'a slow canary against
  // a healthy baseline fails the comparison, p < 0.02, both distributions shown, and the p95 budget'.
  // The load comparison's HOLD end to end is test/e2e/metrics-gate.test.ts (DEMO_CANARY_FAULTS=error-rate-5
  // fails load/canary against its healthy baseline, the reason naming the comparison). DEMO_CANARY_FAULTS
  // reaching the canary only: test/demo/faults.test.ts, 'adds the canary faults to the canary instance only'.

  test('a load profile aimed at a host the runbook does not allow is refused (exit 2) before any request', async () => {
    const reports = tempReports();
    const r = await rollgate(
      ['gate', 'canary', '--base-url', 'http://canary.example.invalid', '--release', '1.0.0'],
      { ROLLGATE_REPORTS_DIR: reports },
    );
    expect(r.exitCode, r.all).toBe(2);
    expect(r.stderr).toMatch(/canary\.example\.invalid/);
    expect(r.stdout).not.toContain('running');
  });

  test('--k6-summary gates on results from a run elsewhere: the failing summary HOLDs; a missing file exits 2', async () => {
    // The passing summary is judged at check level: test/load/canary-stage.test.ts, '--k6-summary
    // judges a run made elsewhere on the stage budgets: the passing summary passes, the failing one fails'.
    const runbook = ['--runbook', 'test/fixtures/runbooks/k6-summary-probes.runbook.ts'];
    const reports = tempReports();
    const fail = await rollgate(
      ['gate', 'distributed', ...runbook, '--k6-summary', 'test/fixtures/k6/fail.summary-export.json'],
      { ROLLGATE_REPORTS_DIR: reports },
    );
    expect(fail.exitCode, fail.all).toBe(1);
    const v = readVerdict(reports);
    // Only the summary holds: the demo's probes passed.
    expect(v.checks.filter((c) => c.status !== 'passed').map((c) => c.id)).toEqual(['load/k6-summary']);
    // 1018 failed requests of 20503, and the thresholds k6 itself crossed.
    expect(check(v, 'load/k6-summary').measurements.find((m) => m.name === 'error-rate')).toMatchObject({
      actual: 1018 / 20503,
      samples: 20503,
      passed: false,
    });
    expect(v.reasons.join('\n')).toMatch(/load\/k6-summary failed: .*error-rate 0\.05 ratio \(< 0\.01\)/);

    const missing = await rollgate(['gate', 'distributed', ...runbook, '--k6-summary', 'nowhere.json'], {
      ROLLGATE_REPORTS_DIR: reports,
    });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(
      /--k6-summary: no file at .*nowhere\.json; give the JSON that k6 wrote with --summary-export/,
    );
  });
});
