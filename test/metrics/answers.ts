import { createHash } from 'node:crypto';
import type { MetricAnswer, MetricSeries, MetricSource } from '../../src/checks/metrics/types.ts';
import { MetricCheck, type MetricCheckInput } from '../../src/model/metrics.ts';

/**
 * Hand-written answers for the evaluator's tests: each stands in for an HTTP body a provider
 * sent, nothing else. Queries with no answer here come back as a provider error, so a test that
 * asks for the wrong query fails loudly.
 */

export const T0 = 1_700_000_000;
/** A ten-minute window with a 15 s step: 41 points, 32 needed by default. */
export const WINDOW = { start: T0, end: T0 + 600 };
export const STEP = 15;

const digestOf = (raw: string) => createHash('sha256').update(raw).digest('hex').slice(0, 16);

/** An ok answer whose raw body is the series as JSON. */
export function answer(
  resultType: 'vector' | 'matrix' | 'scalar' | 'json',
  series: MetricSeries[],
): MetricAnswer {
  const raw = JSON.stringify({ status: 'success', data: { resultType, result: series } });
  return { ok: true, resultType, series, raw, digest: digestOf(raw) };
}

/** One unlabelled instant value at the window's end. */
export const vector = (value: number, labels: Record<string, string> = {}) =>
  answer('vector', [{ labels, points: [[WINDOW.end, value]] }]);

/** One series over the window at STEP, values from `f(i)`, `n` points ending `endsAt`. */
export function matrix(f: (i: number) => number, n = 41, endsAt = WINDOW.end): MetricAnswer {
  const points: [number, number][] = Array.from({ length: n }, (_, i) => [endsAt - (n - 1 - i) * STEP, f(i)]);
  return answer('matrix', [{ labels: { rollgate_target: 'canary' }, points }]);
}

export const providerError = (error: string): MetricAnswer => {
  const raw = JSON.stringify({ status: 'error', errorType: 'bad_data', error });
  return { ok: false, error: `bad_data: ${error}`, raw, digest: digestOf(raw) };
};

export interface Call {
  kind: 'instant' | 'range';
  query: string;
  args: number[];
}

/** A source answering from a table: `instant <query>` or `range <query>` → answer. */
export function tableSource(table: Record<string, MetricAnswer>): MetricSource & { calls: Call[] } {
  const calls: Call[] = [];
  const look = (kind: Call['kind'], query: string, args: number[]) => {
    calls.push({ kind, query, args });
    return (
      table[`${kind} ${query}`] ?? { ok: false as const, error: `no answer recorded for ${kind} ${query}` }
    );
  };
  return {
    describe: 'prometheus http://127.0.0.1:9',
    calls,
    instant: async (query, time) => look('instant', query, [time]),
    range: async (query, start, end, step) => look('range', query, [start, end, step]),
  };
}

/** A parsed check (defaults applied), as the engine hands it over. */
export const metricCheck = (input: Partial<MetricCheckInput>): MetricCheck =>
  MetricCheck.parse({
    name: 'error-ratio',
    query: 'sum(errors{t="{target}"})',
    operator: '<',
    value: 0.005,
    ...input,
  });

/** The run's other fields for the stage's target `canary` (baseline `stable`). */
export const runOf = (check: MetricCheck, source: MetricSource, extra: Record<string, unknown> = {}) => ({
  check,
  source,
  vars: { release: '1.2.3', stage: 'canary', target: 'canary', baseline: 'stable' },
  windows: { canary: WINDOW, stable: WINDOW },
  stepSeconds: STEP,
  blocking: true,
  ...extra,
});
