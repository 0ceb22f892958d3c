import { describe, expect, it } from 'vitest';
import { runMetricCheck } from '../../src/checks/metrics/run-check.ts';
import { CheckResult } from '../../src/model/check-result.ts';
import { answer, metricCheck, providerError, runOf, tableSource, vector, WINDOW } from './answers.ts';

const Q = 'sum(errors{t="canary"})';

/** Runs the default instant check (error-ratio < 0.005) against one recorded answer, and parses the result. */
async function instantCheck(a: ReturnType<typeof vector>, extra: Record<string, unknown> = {}) {
  const source = tableSource({ [`instant ${Q}`]: a });
  const result = await runMetricCheck(runOf(metricCheck({}), source, extra));
  return { result: CheckResult.parse(result), source };
}

describe('an instant metric check', () => {
  it('passes with the value in a short message, evaluated once at the window end', async () => {
    const { result, source } = await instantCheck(vector(0.001));
    expect(result).toMatchObject({
      id: 'metrics/error-ratio',
      title: 'error-ratio < 0.005 over the load window on canary',
      suite: 'metrics',
      kind: 'metrics',
      status: 'passed',
      blocking: true,
      retries: 0,
    });
    expect(result.code).toBeUndefined();
    expect(result.message).toContain('0.001');
    expect(result.message).not.toContain('sha256');
    expect(result.measurements).toEqual([
      expect.objectContaining({
        name: 'error-ratio',
        actual: 0.001,
        operator: '<',
        expected: 0.005,
        samples: 1,
        outcome: 'pass',
      }),
    ]);
    expect(source.calls.filter((c) => c.kind === 'instant')).toEqual([
      { kind: 'instant', query: Q, args: [WINDOW.end] },
    ]);
  });

  it('fails above the threshold, naming the query and the answer digest', async () => {
    const a = vector(0.05);
    const { result } = await instantCheck(a);
    expect(result.status).toBe('failed');
    expect(result.code).toBeUndefined();
    expect(result.measurements[0]).toMatchObject({ actual: 0.05, outcome: 'fail', passed: false });
    expect(result.message).toContain(`query: ${Q}; answer sha256:${a.digest}`);
  });

  const noData: [string, ReturnType<typeof vector>, string, string][] = [
    [
      'an empty vector',
      answer('vector', []),
      'ROLLGATE_NO_DATA',
      'no data: the query returned an empty vector',
    ],
    [
      'several series',
      answer('vector', [
        { labels: { pod: 'a' }, points: [[WINDOW.end, 0.001]] },
        { labels: { pod: 'b' }, points: [[WINDOW.end, 0.002]] },
        { labels: { pod: 'c' }, points: [[WINDOW.end, 0.003]] },
      ]),
      'ROLLGATE_NO_DATA',
      'returned 3 series ({pod="a"}, {pod="b"}, {pod="c"}); aggregate them with sum(), avg() or max() so the check judges one value',
    ],
    [
      'NaN',
      vector(Number.NaN),
      'ROLLGATE_NO_DATA',
      `no data: the value at ${new Date(WINDOW.end * 1000).toISOString()} is NaN`,
    ],
    ['+Inf', vector(Number.POSITIVE_INFINITY), 'ROLLGATE_NO_DATA', 'is Infinity'],
    ['-Inf', vector(Number.NEGATIVE_INFINITY), 'ROLLGATE_NO_DATA', 'is -Infinity'],
    [
      'a provider error',
      providerError('parse error at char 4'),
      'ROLLGATE_METRICS_PROVIDER',
      'bad_data: parse error at char 4',
    ],
  ];
  it.each(noData)('is errored on %s, with the query and the digest', async (_what, a, code, words) => {
    const { result } = await instantCheck(a);
    expect(result.status).toBe('errored');
    expect(result.code).toBe(code);
    expect(result.message).toContain(words);
    expect(result.message).toContain(`query: ${Q}; answer sha256:${a.digest}`);
    expect(result.measurements[0]).toMatchObject({ passed: false, actual: null });
    expect(result.measurements[0]!.outcome).toBe('no-data');
  });

  it('is errored when the source throws or answers nothing (never a pass)', async () => {
    const throwing = {
      describe: 'prometheus http://127.0.0.1:9',
      instant: async () => {
        throw new Error('socket hang up');
      },
      range: async () => {
        throw new Error('socket hang up');
      },
    };
    const result = CheckResult.parse(await runMetricCheck(runOf(metricCheck({}), throwing)));
    expect(result.status).toBe('errored');
    expect(result.code).toBe('ROLLGATE_METRICS_PROVIDER');
    expect(result.message).toContain('socket hang up');
    expect(result.message).toContain('answer none (no answer)');
  });

  it('keeps its status when advisory, saying so', async () => {
    const { result } = await instantCheck(vector(0.05), { blocking: false });
    expect(result.status).toBe('failed');
    expect(result.blocking).toBe(false);
    expect(result.message).toMatch(/^advisory, not met: /);
  });

  it('masks every message and evidence body', async () => {
    const secret = 'tenant-s3cret-42';
    const a = vector(0.05, { tenant: secret });
    const mask = (s: string) => s.replaceAll(secret, '***');
    const source = tableSource({
      [`instant ${Q}`]: a,
      [`range ${Q}`]: answer('matrix', [{ labels: { tenant: secret }, points: [[WINDOW.end, 0.05]] }]),
    });
    const result = await runMetricCheck(runOf(metricCheck({}), source, { mask }));
    expect(result.evidence.map((e) => e.name)).toEqual([
      'metrics-error-ratio.svg',
      'metrics-error-ratio.json',
      'metrics-error-ratio-answer.json',
    ]);
    // Unmasked, the secret is in the raw answer and the chart's legend.
    expect(a.ok && a.raw).toContain(secret);
    expect(JSON.stringify(result)).not.toContain(secret);
    expect(result.evidence.find((e) => e.name.endsWith('answer.json'))!.body).toContain('***');
  });

  it('turns an unexpected error into errored with its message', async () => {
    const check = metricCheck({ query: 'sum(errors{t="{baseline}"})' });
    const vars = { release: '1', stage: 'canary', target: 'canary' };
    const result = await runMetricCheck({ ...runOf(check, tableSource({})), vars });
    expect(result.status).toBe('errored');
    expect(result.message).toContain('{baseline}');
    expect(result.message).toContain('sum(errors{t="{baseline}"})');
  });
});
