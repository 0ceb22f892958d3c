import { describe, expect, test } from 'vitest';
import { check, readVerdict, rollgate, tempReports } from '../e2e/helpers.ts';

/** One gate end to end: the demo canary's web-vitals spec and budgets only (fixture runbook), slow-lcp. */
describe('web vitals in a gate', () => {
  test('DEMO_FAULTS=slow-lcp HOLDs with failed web-vitals checks naming LCP, with sample counts', async () => {
    const reports = tempReports();
    const r = await rollgate(
      ['gate', 'canary', '--runbook', 'test/fixtures/runbooks/web-vitals.runbook.ts'],
      {
        ROLLGATE_REPORTS_DIR: reports,
        DEMO_FAULTS: 'slow-lcp',
      },
    );
    expect(r.exitCode, r.all).toBe(1);
    expect(r.stdout).toMatch(/^HOLD demo\/canary/m);
    const v = readVerdict(reports);
    for (const page of ['login', 'estimates']) {
      const c = check(v, `web-vitals/${page}`);
      expect(c.status, c.message).toBe('failed');
      expect(c.message).toMatch(/Largest Contentful Paint: lcp: \d+ ms violates < 2500 ms \(3 samples\)/);
      const lcp = c.measurements.find((m) => m.name === 'lcp')!;
      expect(lcp).toMatchObject({ expected: 2500, unit: 'ms', samples: 3, passed: false });
      expect(lcp.actual as number).toBeGreaterThan(2500);
      // Every other vital was measured in all 3 runs; the late hero fills a reserved slot: no shift.
      expect(c.measurements.map((m) => [m.name, m.samples])).toEqual([
        ['fcp', 3],
        ['lcp', 3],
        ['cls', 3],
        ['ttfb', 3],
        ['inp', 3],
      ]);
      expect(c.measurements.find((m) => m.name === 'cls')).toMatchObject({ actual: 0, passed: true });
      expect(c.evidence.map((e) => e.name)).toContain(`web-vitals /${page}`);
    }
    expect(v.reasons.join('\n')).toMatch(/web-vitals\/login failed: .*lcp: \d+ ms violates < 2500 ms/);
  });
});
