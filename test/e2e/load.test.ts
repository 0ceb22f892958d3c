import { describe, expect, test } from 'vitest';
import { check, readVerdict, rollgate, tempReports } from './helpers.ts';

/** The canary's load profile end to end; engines and statistics are tested at check level in test/load. */
describe('load budgets in the canary gate', () => {
  test('DEMO_FAULTS=slow HOLDs on the p95 latency budget, actual above expected', async () => {
    const reports = tempReports();
    // The demo's canary load and budgets without its golden paths, which the slow fault makes long.
    const r = await rollgate(['gate', 'canary', '--runbook', 'test/fixtures/runbooks/load-only.runbook.ts'], {
      ROLLGATE_REPORTS_DIR: reports,
      DEMO_FAULTS: 'slow',
    });
    expect(r.exitCode, r.all).toBe(1);
    const load = check(readVerdict(reports), 'load/canary');
    expect(load.status).toBe('failed');
    const p95 = load.measurements.find((m) => m.name === 'p95-latency')!;
    expect(p95).toMatchObject({ operator: '<=', expected: 500, passed: false });
    expect(p95.actual as number).toBeGreaterThan(500);
    expect(p95.samples).toBeGreaterThan(0);
    expect(readVerdict(reports).reasons.join('\n')).toMatch(/load\/canary failed: .*p95-latency \d+/);
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
});
