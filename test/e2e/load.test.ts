import { describe, expect, test } from 'vitest';
import { check, readVerdict, rollgate, tempReports } from './helpers.ts';

/** The canary's load against its baseline end to end; engines, statistics and the other faults are tested at check level in test/load. */
describe('load budgets in the canary gate', () => {
  test('DEMO_CANARY_FAULTS=slow with a healthy baseline HOLDs from the comparison: p-value and both distributions', async () => {
    const reports = tempReports();
    const r = await rollgate(['gate', 'canary', '--runbook', 'test/fixtures/runbooks/load-only.runbook.ts'], {
      ROLLGATE_REPORTS_DIR: reports,
      DEMO_CANARY_FAULTS: 'slow',
    });
    expect(r.exitCode, r.all).toBe(1);
    const v = readVerdict(reports);
    // The fault reached the canary only: its probes still pass, the baseline answered fast.
    expect(check(v, 'probes/health-simple').status).toBe('passed');
    const load = check(v, 'load/canary');
    expect(load.status).toBe('failed');
    const latency = load.measurements.find((m) => m.name === 'canary-latency-vs-baseline')!;
    expect(latency.passed).toBe(false);
    expect(latency.actual as number).toBeGreaterThan(700);
    const reason = v.reasons.find((x) => x.startsWith('load/canary failed'))!;
    expect(reason).toMatch(/Mann-Whitney U one-sided p = \d/);
    expect(reason).toMatch(/baseline p50 [\d.]+, p90 [\d.]+, p95 [\d.]+, p99 [\d.]+ ms \(n=\d+\)/);
    expect(reason).toMatch(/canary p50 [\d.]+, p90 [\d.]+, p95 [\d.]+, p99 [\d.]+ ms \(n=\d+\)/);
    expect(load.evidence.map((e) => e.name)).toContain('latency-baseline-vs-canary.svg');
    // The canary's own latency budget breaks too, actual above expected (DEMO_FAULTS=slow, which
    // slows both sides so only the budget holds, is tested at check level in test/load).
    const p95 = load.measurements.find((m) => m.name === 'p95-latency')!;
    expect(p95).toMatchObject({ operator: '<=', expected: 500, passed: false });
    expect(p95.actual as number).toBeGreaterThan(500);
    expect(reason).toMatch(/p95-latency \d+(\.\d+)? ms \(<= 500\)/);
  });

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

  test('--k6-summary gates on results from a run elsewhere: the passing summary PROMOTEs, the failing one HOLDs', async () => {
    const runbook = ['--runbook', 'test/fixtures/runbooks/k6-summary.runbook.ts'];
    const reports = tempReports();
    const pass = await rollgate(
      ['gate', 'distributed', ...runbook, '--k6-summary', 'test/fixtures/k6/pass.summary-export.json'],
      { ROLLGATE_REPORTS_DIR: reports },
    );
    expect(pass.exitCode, pass.all).toBe(0);
    const ok = check(readVerdict(reports), 'load/k6-summary');
    expect(ok.status).toBe('passed');
    expect(ok.measurements.find((m) => m.name === 'p95-latency')).toMatchObject({
      samples: 447,
      passed: true,
    });

    const fail = await rollgate(
      ['gate', 'distributed', ...runbook, '--k6-summary', 'test/fixtures/k6/fail.summary-export.json'],
      { ROLLGATE_REPORTS_DIR: reports },
    );
    expect(fail.exitCode, fail.all).toBe(1);
    const v = readVerdict(reports);
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
