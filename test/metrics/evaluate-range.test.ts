import { describe, expect, it } from 'vitest';
import { aggregate } from '../../src/checks/metrics/evaluate-metric.ts';
import { runMetricCheck } from '../../src/checks/metrics/run-check.ts';
import { CheckResult } from '../../src/model/check-result.ts';
import type { MetricCheckInput } from '../../src/model/metrics.ts';
import { matrix, metricCheck, runOf, STEP, tableSource, WINDOW } from './answers.ts';

const Q = 'sum(errors{t="canary"})';

async function rangeCheck(input: Partial<MetricCheckInput>, a: ReturnType<typeof matrix>) {
  const source = tableSource({ [`range ${Q}`]: a });
  const result = CheckResult.parse(await runMetricCheck(runOf(metricCheck(input), source)));
  return { result, source, m: result.measurements[0]! };
}

/** 0.001 everywhere but one spike of 0.02 at point 10, and 0.003 at the end. */
const spiky = () => matrix((i) => (i === 10 ? 0.02 : i === 40 ? 0.003 : 0.001));

describe('a range metric check', () => {
  it('asks for one range over the window at the step', async () => {
    const { source } = await rangeCheck({ over: 'avg' }, spiky());
    expect(source.calls).toContainEqual({ kind: 'range', query: Q, args: [WINDOW.start, WINDOW.end, STEP] });
    expect(source.calls.filter((c) => c.kind === 'range' && c.query === Q)).toHaveLength(1);
  });

  it.each([
    ['last', '<', 0.005, 0.003, 'pass'],
    ['max', '<', 0.005, 0.02, 'fail'],
    ['all', '<', 0.005, 0.02, 'fail'],
    ['all', '>', 0.0005, 0.001, 'pass'],
    ['all', '>', 0.002, 0.001, 'fail'],
    ['any', '<', 0.005, 0.001, 'pass'],
    ['any', '>', 0.005, 0.02, 'pass'],
    ['any', '>', 0.05, 0.02, 'fail'],
  ] as const)('over %s with %s %s judges %s: %s', async (over, operator, value, actual, outcome) => {
    const { m, result } = await rangeCheck({ over, operator, value }, spiky());
    expect(m.actual).toBe(actual);
    expect(m.outcome).toBe(outcome);
    expect(m.samples).toBe(41);
    expect(result.status).toBe(outcome === 'pass' ? 'passed' : 'failed');
  });

  it('over avg judges the mean of the points', async () => {
    const { m } = await rangeCheck({ over: 'avg' }, spiky());
    expect(m.actual).toBeCloseTo((39 * 0.001 + 0.02 + 0.003) / 41, 12);
    expect(m.outcome).toBe('pass');
  });

  it('for == and != takes the first point that breaks the rule under all, else the last', () => {
    const pts: [number, number][] = [
      [1, 0],
      [2, 1],
      [3, 0],
      [4, 2],
    ];
    expect(aggregate(pts, 'all', { operator: '==', value: 0 })).toEqual({ value: 1, at: 2 });
    expect(aggregate(pts, 'all', { operator: '!=', value: 5 })).toEqual({ value: 2, at: 4 });
    expect(aggregate(pts, 'any', { operator: '==', value: 2 })).toEqual({ value: 2, at: 4 });
    expect(aggregate(pts, 'any', { operator: '!=', value: 0 })).toEqual({ value: 1, at: 2 });
  });

  const noData: [string, Partial<MetricCheckInput>, ReturnType<typeof matrix>, string][] = [
    ['too few points', {}, matrix(() => 0.001, 4), 'no data: 4 points, the window needs 32'],
    [
      'fewer than minPoints',
      { minPoints: 41 },
      matrix(() => 0.001, 40),
      'no data: 40 points, the window needs 41',
    ],
    [
      'a stale series',
      {},
      matrix(() => 0.001, 38, WINDOW.end - 3 * STEP),
      `the series is stale: its newest point is at ${new Date((WINDOW.end - 3 * STEP) * 1000).toISOString()}`,
    ],
    [
      'a NaN point',
      {},
      matrix((i) => (i === 7 ? Number.NaN : 0.001)),
      `the value at ${new Date((WINDOW.start + 7 * STEP) * 1000).toISOString()} is NaN`,
    ],
    ['a +Inf point', {}, matrix((i) => (i === 40 ? Number.POSITIVE_INFINITY : 0.001)), 'is Infinity'],
  ];
  it.each(noData)('is errored on %s (no data), with the query and digest', async (_what, input, a, words) => {
    const { result, m } = await rangeCheck({ over: 'max', ...input }, a);
    expect(result.status).toBe('errored');
    expect(result.code).toBe('ROLLGATE_NO_DATA');
    expect(result.message).toContain(words);
    expect(result.message).toContain(`query: ${Q}; answer sha256:${a.ok && a.digest}`);
    expect(m.outcome).toBe('no-data');
    expect(m.passed).toBe(false);
  });

  it('a series whose newest point is two steps old is still fresh', async () => {
    const { result } = await rangeCheck(
      { over: 'max' },
      matrix(() => 0.001, 39, WINDOW.end - 2 * STEP),
    );
    expect(result.status).toBe('passed');
  });
});
