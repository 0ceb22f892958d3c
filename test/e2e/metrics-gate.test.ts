import { describe, expect, test } from 'vitest';
import { check, readVerdict, rollgate, tempReports } from './helpers.ts';

const RUNBOOK = ['--runbook', 'test/fixtures/runbooks/metrics.runbook.ts'];

/** Metric checks end to end on the embedded Prometheus: one gate for the metric fault families and the load comparison against a baseline (the healthy gate is test/e2e/gate-canary.test.ts). */
describe('metric checks end to end', () => {
  test('DEMO_CANARY_FAULTS=error-rate-5 HOLDs on the metric budget, the baseline comparison and the load check; a missing metric, a stopped Prometheus and too little traffic each HOLD with their own reason', async () => {
    const reports = tempReports();
    const r = await rollgate(['gate', 'canary', ...RUNBOOK], {
      ROLLGATE_REPORTS_DIR: reports,
      DEMO_CANARY_FAULTS: 'error-rate-5',
    });
    expect(r.exitCode, r.all).toBe(1);
    const v = readVerdict(reports);
    expect(v.verdict).toBe('hold');
    // The load comparison end to end (the family's one gate; a slow canary is judged at check level in
    // test/load/canary-stage.test.ts): the canary's error rate against its healthy baseline, in the verdict's reason.
    const load = check(v, 'load/canary');
    expect(load.status).toBe('failed');
    const vsBaseline = load.measurements.find((m) => m.name === 'canary-error-rate-vs-baseline')!;
    expect(vsBaseline.passed).toBe(false);
    expect(vsBaseline.actual as number).toBeGreaterThan(0.03);
    expect(load.measurements.find((m) => m.name === 'error-rate')!.passed).toBe(false);
    expect(load.evidence.map((e) => e.name)).toContain('latency-baseline-vs-canary.svg');
    expect(v.reasons.find((x) => x.startsWith('load/canary failed: '))).toMatch(
      /canary-error-rate-vs-baseline: fail: canary error rate \d(\.\d+)?% \(\d+\/\d+\) vs baseline 0% .* p [=<] /,
    );
    for (const id of ['metrics/error-ratio', 'metrics/error-ratio-vs-baseline']) {
      const c = check(v, id);
      expect(c.status, c.message).toBe('failed');
      expect(c.kind).toBe('metrics');
      expect(c.blocking).toBe(true);
      expect(r.stdout).toContain(`${id} failed`);
    }
    // One response in 20 is a 500: about 5% of the canary's requests in the load window.
    const ratio = check(v, 'metrics/error-ratio').measurements[0]!;
    expect(ratio.actual as number).toBeGreaterThan(0.03);
    expect(ratio.actual as number).toBeLessThan(0.07);
    expect(check(v, 'metrics/error-ratio-vs-baseline').measurements[0]!.note).toMatch(/baseline 0\b/);
    // The evidence: the chart of the window and the query with its values.
    expect(check(v, 'metrics/error-ratio').evidence.map((e) => e.name)).toEqual(
      expect.arrayContaining(['metrics-error-ratio.svg', 'metrics-error-ratio.json']),
    );
    const missing = check(v, 'metrics/no-such-metric');
    expect(missing).toMatchObject({ status: 'errored', code: 'ROLLGATE_NO_DATA' });
    expect(missing.message).toMatch(/empty/);
    expect(missing.message).toContain('rollgate_no_such_metric_total{rollgate_target="canary"}');
    expect(missing.message).toMatch(/sha256:[0-9a-f]{16}/);
    const stopped = check(v, 'metrics/provider-stopped');
    expect(stopped).toMatchObject({ status: 'errored', code: 'ROLLGATE_METRICS_PROVIDER' });
    expect(stopped.message).toMatch(/127\.0\.0\.1:9/);
    expect(stopped.message).toMatch(/ECONNREFUSED|refused/);
    const thin = check(v, 'metrics/too-little-traffic');
    expect(thin).toMatchObject({ status: 'errored', code: 'ROLLGATE_INCONCLUSIVE' });
    expect(thin.message).toMatch(
      /^inconclusive: \d+ requests in \d+(\.\d+)?s; 3000000 needed to resolve 0\.0001%; about \d+ more (seconds|minutes) at the observed rate/m,
    );
    expect(thin.measurements[0]).toMatchObject({ outcome: 'inconclusive', passed: false });
  });
});
