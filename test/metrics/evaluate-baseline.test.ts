import { describe, expect, it } from 'vitest';
import { runMetricCheck } from '../../src/checks/metrics/run-check.ts';
import type { MetricAnswer } from '../../src/checks/metrics/types.ts';
import { CheckResult } from '../../src/model/check-result.ts';
import type { MetricBaseline, MetricCheckInput } from '../../src/model/metrics.ts';
import { answer, metricCheck, runOf, tableSource, vector, WINDOW } from './answers.ts';

const CANARY = 'sum(errors{t="canary"})';
const STABLE = 'sum(errors{t="stable"})';
/** The baseline's own window: it started earlier. */
const STABLE_WINDOW = { start: WINDOW.start - 30, end: WINDOW.end - 30 };

async function compare(
  baseline: MetricBaseline,
  canary: MetricAnswer,
  stable: MetricAnswer,
  input: Partial<MetricCheckInput> = {},
  table: Record<string, MetricAnswer> = {},
) {
  const source = tableSource({ [`instant ${CANARY}`]: canary, [`instant ${STABLE}`]: stable, ...table });
  const check = metricCheck({ operator: undefined, value: undefined, baseline, ...input });
  const run = runOf(check, source, { windows: { canary: WINDOW, stable: STABLE_WINDOW } });
  const result = CheckResult.parse(await runMetricCheck(run));
  return { result, source, m: result.measurements[0]! };
}

const ratio: MetricBaseline = { mode: 'ratio', operator: '<=', value: 1.5 };
const difference: MetricBaseline = { mode: 'difference', operator: '<=', value: 0.005 };

describe('a metric check against the baseline', () => {
  it('judges canary ÷ baseline, each side on its own window and query', async () => {
    const { result, m, source } = await compare(ratio, vector(120), vector(100));
    expect(source.calls).toContainEqual({ kind: 'instant', query: CANARY, args: [WINDOW.end] });
    expect(source.calls).toContainEqual({ kind: 'instant', query: STABLE, args: [STABLE_WINDOW.end] });
    expect(result.status).toBe('passed');
    expect(result.title).toBe(
      'error-ratio canary ÷ baseline <= 1.5 over the load window on canary against stable',
    );
    expect(m).toMatchObject({
      name: 'error-ratio',
      actual: 1.2,
      operator: '<=',
      expected: 1.5,
      outcome: 'pass',
    });
    expect(m.note).toBe('canary 120, baseline 100');
  });

  it('fails a ratio above the limit, naming both queries and digests', async () => {
    const c = vector(200);
    const s = vector(100);
    const { result, m } = await compare(ratio, c, s);
    expect(result.status).toBe('failed');
    expect(m.actual).toBe(2);
    expect(result.message).toContain(`query: ${CANARY}; answer sha256:${c.ok && c.digest}`);
    expect(result.message).toContain(`baseline (stable) query: ${STABLE}; answer sha256:${s.ok && s.digest}`);
  });

  it('judges canary − baseline both ways, stating both values', async () => {
    const bad = await compare(difference, vector(0.05), vector(0.001));
    expect(bad.result.status).toBe('failed');
    expect(bad.m.actual).toBeCloseTo(0.049, 12);
    expect(bad.m.note).toBe('canary 0.05, baseline 0.001');
    expect(bad.result.message).toContain('canary 0.05, baseline 0.001');
    const good = await compare(difference, vector(0.003), vector(0.001));
    expect(good.result.status).toBe('passed');
    expect(good.m.actual).toBeCloseTo(0.002, 12);
  });

  it('takes 0 ÷ 0 as 1 (a pass) and x ÷ 0 as Infinity (a failure, not missing)', async () => {
    const zero = await compare(ratio, vector(0), vector(0));
    expect(zero.result.status).toBe('passed');
    expect(zero.m.actual).toBe(1);
    const inf = await compare(ratio, vector(3), vector(0));
    expect(inf.result.status).toBe('failed');
    expect(inf.result.code).toBeUndefined();
    expect(inf.m).toMatchObject({ outcome: 'fail', passed: false });
    // Infinity is judged; the verdict (JSON) records no value, still a failure, and says why.
    expect(inf.m.actual).toBeNull();
    expect(inf.m.note).toBe('canary 3, baseline 0: a ratio on a baseline of 0 is infinite');
    expect(inf.result.message).toMatch(/^error-ratio: Infinity violates <= 1\.5/);
  });

  it('is no data when the baseline side has none', async () => {
    const empty = answer('vector', []);
    const { result, m } = await compare(ratio, vector(1), empty);
    expect(result.status).toBe('errored');
    expect(result.code).toBe('ROLLGATE_NO_DATA');
    expect(result.message).toContain('no data: the query returned an empty vector (baseline stable)');
    expect(result.message).toContain(
      `baseline (stable) query: ${STABLE}; answer sha256:${empty.ok && empty.digest}`,
    );
    expect(m.outcome).toBe('no-data');
  });

  it("uses the baseline's own query and target when given", async () => {
    const own = 'sum(errors_old{t="{target}", b="{baseline}"})';
    const filled = 'sum(errors_old{t="old", b="old"})';
    const source = tableSource({ [`instant ${CANARY}`]: vector(1), [`instant ${filled}`]: vector(1) });
    const check = metricCheck({
      operator: undefined,
      value: undefined,
      baseline: { ...ratio, target: 'old', query: own },
    });
    const result = await runMetricCheck(runOf(check, source, { windows: { canary: WINDOW, old: WINDOW } }));
    expect(result.status).toBe('passed');
    expect(source.calls.map((c) => c.query)).toContain(filled);
  });

  it('applies the traffic guard to both sides', async () => {
    const guard = 'sum(increase(requests{t="{target}"}[{window}]))';
    const { result } = await compare(
      ratio,
      vector(1),
      vector(1),
      { value: 0.005, minTraffic: { query: guard } },
      {
        'instant sum(increase(requests{t="canary"}[600000ms]))': vector(5000),
        'instant sum(increase(requests{t="stable"}[600000ms]))': vector(100),
      },
    );
    expect(result.code).toBe('ROLLGATE_INCONCLUSIVE');
    expect(result.message).toMatch(
      /^inconclusive \(baseline stable\): 100 requests in 10m; 600 needed to resolve 0\.5%/,
    );
  });

  it('records an infinite ratio held back by the guard as no value (a verdict holds no Infinity)', async () => {
    const guard = 'sum(increase(requests{t="{target}"}[{window}]))';
    const { result, m } = await compare(
      ratio,
      vector(3),
      vector(0),
      { value: 0.005, minTraffic: { query: guard } },
      {
        'instant sum(increase(requests{t="canary"}[600000ms]))': vector(10),
        'instant sum(increase(requests{t="stable"}[600000ms]))': vector(5000),
      },
    );
    expect(result.code).toBe('ROLLGATE_INCONCLUSIVE');
    expect(m).toMatchObject({ actual: null, outcome: 'inconclusive' });
  });
});
