import { describe, expect, it } from 'vitest';
import { runMetricCheck } from '../../src/checks/metrics/run-check.ts';
import { requestsNeeded, trafficEstimate } from '../../src/checks/metrics/traffic.ts';
import type { MetricAnswer } from '../../src/checks/metrics/types.ts';
import { CheckResult } from '../../src/model/check-result.ts';
import type { MinTraffic } from '../../src/model/metrics.ts';
import { answer, metricCheck, providerError, runOf, tableSource, vector, WINDOW } from './answers.ts';

const Q = 'sum(errors{t="canary"})';
const GUARD = 'sum(increase(requests{t="{target}"}[{window}]))';
const GUARD_Q = 'sum(increase(requests{t="canary"}[600000ms]))';

async function guarded(
  traffic: MetricAnswer,
  minTraffic: Partial<MinTraffic> = {},
  extra: Record<string, unknown> = {},
  value = vector(0.001),
) {
  const source = tableSource({ [`instant ${Q}`]: value, [`instant ${GUARD_Q}`]: traffic });
  const check = metricCheck({ minTraffic: { query: GUARD, ...minTraffic } });
  const result = CheckResult.parse(await runMetricCheck(runOf(check, source, extra)));
  return { result, source, m: result.measurements[0]! };
}

describe('the min-traffic guard', () => {
  it('is inconclusive on too few requests, with the numbers and an estimate (rule of three)', async () => {
    const t = vector(312);
    const { result, m, source } = await guarded(t);
    expect(source.calls).toContainEqual({ kind: 'instant', query: GUARD_Q, args: [WINDOW.end] });
    expect(result.status).toBe('errored');
    expect(result.code).toBe('ROLLGATE_INCONCLUSIVE');
    expect(result.message).toMatch(
      /^inconclusive: 312 requests in 10m; 600 needed to resolve 0\.5%; about 9 more minutes at the observed rate; /,
    );
    expect(result.message).toContain(`traffic query: ${GUARD_Q}; answer sha256:${t.ok && t.digest}`);
    expect(result.message).toContain(`query: ${Q}; answer sha256:`);
    expect(m).toMatchObject({ outcome: 'inconclusive', passed: false, samples: 312, actual: 0.001 });
  });

  it('counts in seconds when the rest comes soon, against a declared count', async () => {
    const { result } = await guarded(vector(900), { count: 1000 });
    expect(result.code).toBe('ROLLGATE_INCONCLUSIVE');
    expect(result.message).toContain(
      '900 requests in 10m; 1000 needed (minTraffic.count); about 67 more seconds at the observed rate',
    );
  });

  it("needs as many requests as the load step sent with count 'load'", async () => {
    const { result } = await guarded(vector(500), { count: 'load' }, { loadSent: { canary: 642 } });
    expect(result.code).toBe('ROLLGATE_INCONCLUSIVE');
    expect(result.message).toContain(
      "500 requests in 10m; 642 needed (the load step's answered requests); about 3 more minutes at the observed rate",
    );
    const enough = await guarded(vector(642), { count: 'load' }, { loadSent: { canary: 642 } });
    expect(enough.result.status).toBe('passed');
    expect(enough.m.samples).toBe(642);
  });

  it("is errored when count is 'load' and the load step sent nothing", async () => {
    const { result } = await guarded(vector(500), { count: 'load' });
    expect(result.status).toBe('errored');
    expect(result.code).toBe('ROLLGATE_NO_DATA');
    expect(result.message).toContain(
      "minTraffic.count is 'load', but the load step sent nothing to count on canary",
    );
  });

  it('says no requests came when the count is zero (inconclusive, whatever the value)', async () => {
    const { result } = await guarded(vector(0), {}, {}, vector(Number.NaN));
    expect(result.code).toBe('ROLLGATE_INCONCLUSIVE');
    expect(result.message).toMatch(
      /^inconclusive: 0 requests in 10m; 600 needed to resolve 0\.5%; no requests in the window; /,
    );
  });

  it('passes with enough traffic, the count as the samples', async () => {
    const { result, m } = await guarded(vector(1200.4));
    expect(result.status).toBe('passed');
    expect(m).toMatchObject({ outcome: 'pass', samples: 1200, actual: 0.001 });
  });

  it('is not a pass when the guard itself has no data or fails', async () => {
    const empty = answer('vector', []);
    const a = await guarded(empty);
    expect(a.result.code).toBe('ROLLGATE_NO_DATA');
    expect(a.result.message).toContain('no data: the traffic guard: the query returned an empty vector');
    expect(a.result.message).toContain(
      `traffic query: ${GUARD_Q}; answer sha256:${empty.ok && empty.digest}`,
    );
    const b = await guarded(vector(Number.NaN));
    expect(b.result.code).toBe('ROLLGATE_NO_DATA');
    const c = await guarded(vector(-3));
    expect(c.result.code).toBe('ROLLGATE_NO_DATA');
    expect(c.result.message).toContain('cannot be negative');
    const d = await guarded(providerError('query timed out'));
    expect(d.result.code).toBe('ROLLGATE_METRICS_PROVIDER');
    expect(d.result.message).toContain('the traffic guard');
  });

  it('says when the rule of three does not apply', () => {
    expect(requestsNeeded({ query: 'x' }, 0.001, undefined, 'canary')).toEqual({
      needed: 3000,
      why: 'to resolve 0.1%',
    });
    expect(requestsNeeded({ query: 'x' }, 50, undefined, 'canary')).toEqual({
      error: expect.stringContaining('minTraffic.count is needed'),
    });
    expect(trafficEstimate(1, 2, 60)).toBe('about 60 more seconds at the observed rate');
    expect(trafficEstimate(59, 60, 60)).toBe('about 2 more seconds at the observed rate');
  });
});
