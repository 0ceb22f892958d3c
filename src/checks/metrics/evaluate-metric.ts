import type { Operator } from '../../model/measurement.ts';
import type { MetricAggregation } from '../../model/metrics.ts';
import type { MetricAnswer, MetricAnswerOk, MetricSeries, MetricSource, MetricWindow } from './types.ts';

/** One query's evaluation: the value judged, read from exactly one series. */
export interface MetricValue {
  ok: true;
  query: string;
  value: number;
  /** Unix seconds of the point the value came from (the newest point for `avg`). */
  at: number;
  /** Every point of the judged series (one for an instant). */
  points: [number, number][];
  labels: Record<string, string>;
  answer: MetricAnswerOk;
}

/** Why a query gave no value: nothing usable came back (`no-data`) or the source answered an error (`provider`). */
export interface MetricGap {
  ok: false;
  kind: 'no-data' | 'provider';
  query: string;
  /** In words, starting `no data:` for no data: `no data: the query returned an empty vector`. */
  reason: string;
  answer: MetricAnswer;
  /** What was seen anyway, for the chart. */
  points: [number, number][];
}

export type MetricReading = MetricValue | MetricGap;

/** The condition points are held to by `all` and `any`; `value` is needed only for `==` and `!=`. */
export interface PointJudge {
  operator: Operator;
  value?: number;
}

export interface MetricQuery {
  /** The filled query. */
  query: string;
  over: MetricAggregation;
  source: MetricSource;
  window: MetricWindow;
  stepSeconds: number;
  /** A range with fewer points is no data; default max(2, floor(0.8 × window ÷ step)). */
  minPoints?: number;
  judge?: PointJudge;
}

/** Unix seconds as an ISO time, for messages and evidence. */
export const isoTime = (t: number) => (Number.isFinite(t) ? new Date(t * 1000).toISOString() : String(t));

/** `{job="shop", code="500"}`, as PromQL writes a series. */
export const formatLabels = (labels: Record<string, string>) =>
  `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ')}}`;

/** The default minimum number of points of a range: 80% of those the window holds, at least 2. */
export const defaultMinPoints = (w: MetricWindow, stepSeconds: number) =>
  Math.max(2, Math.floor((0.8 * (w.end - w.start)) / stepSeconds));

const holds = (v: number, op: Operator, x: number) =>
  op === '<'
    ? v < x
    : op === '<='
      ? v <= x
      : op === '>'
        ? v > x
        : op === '>='
          ? v >= x
          : op === '=='
            ? v === x
            : v !== x;

/**
 * The one value a series' points come to (points are finite and in time order, at least one).
 * `all` takes the worst point for the condition (the maximum for `<`/`<=`, the minimum for
 * `>`/`>=`, for `==`/`!=` the first point breaking it, else the last); `any` the best one.
 */
export function aggregate(
  points: readonly [number, number][],
  over: MetricAggregation,
  judge?: PointJudge,
): { value: number; at: number } {
  const last = points.at(-1)!;
  const pick = (better: (a: number, b: number) => boolean) =>
    points.reduce((best, p) => (better(p[1], best[1]) ? p : best), points[0]!);
  const high = pick((a, b) => a > b);
  const low = pick((a, b) => a < b);
  const point = (p: readonly [number, number]) => ({ value: p[1], at: p[0] });
  switch (over) {
    case 'instant':
    case 'last':
      return point(last);
    case 'avg':
      return { value: points.reduce((s, p) => s + p[1], 0) / points.length, at: last[0] };
    case 'max':
      return point(high);
    case 'all':
    case 'any': {
      const op = judge?.operator;
      if (op === '<' || op === '<=') return point(over === 'all' ? high : low);
      if (op === '>' || op === '>=') return point(over === 'all' ? low : high);
      if (op === undefined || judge?.value === undefined) return point(last);
      const want = over !== 'all';
      return point(points.find((p) => holds(p[1], op, judge.value!) === want) ?? last);
    }
  }
}

/**
 * Evaluates one query over a window and reads the one value judged: an instant at the window's
 * end, or a range at `stepSeconds` aggregated by `over`. Anything short of one series of finite,
 * fresh and sufficient points is a gap, never a value. Never throws.
 */
export async function evaluateMetric(q: MetricQuery): Promise<MetricReading> {
  const { query, source, window: w, stepSeconds } = q;
  const instant = q.over === 'instant';
  let answer: MetricAnswer;
  try {
    answer = instant
      ? await source.instant(query, w.end)
      : await source.range(query, w.start, w.end, stepSeconds);
  } catch (error) {
    answer = { ok: false, error: `${source.describe} threw: ${(error as Error).message ?? String(error)}` };
  }
  const gap = (kind: MetricGap['kind'], reason: string, points: [number, number][] = []): MetricGap => ({
    ok: false,
    kind,
    query,
    reason,
    answer,
    points,
  });
  // The contract lets a source name itself in its error; it is named once.
  const said = answer.ok || answer.error.startsWith(source.describe) ? '' : `${source.describe}: `;
  if (!answer.ok) return gap('provider', `${said}${answer.error}`);
  const series = answer.series;
  if (series.length === 0) {
    const what =
      answer.resultType === 'json'
        ? 'the path is absent from the answer'
        : answer.resultType === 'matrix'
          ? 'the query returned an empty range (no series)'
          : 'the query returned an empty vector';
    return gap('no-data', `no data: ${what}`);
  }
  if (series.length > 1) {
    const shown = series.slice(0, 3).map((s) => formatLabels(s.labels));
    const more = series.length > 3 ? `, and ${series.length - 3} more` : '';
    return gap(
      'no-data',
      `no data: the query returned ${series.length} series (${shown.join(', ')}${more}); aggregate them with sum(), avg() or max() so the check judges one value`,
    );
  }
  const one = series[0] as MetricSeries;
  const points = [...one.points].sort((a, b) => a[0] - b[0]);
  if (instant && answer.resultType === 'matrix')
    return gap(
      'no-data',
      'no data: the query returned a range vector; wrap it in a function such as rate() or avg_over_time() to get one value',
      points,
    );
  if (points.length === 0) return gap('no-data', 'no data: the series has no points');
  const bad = points.find((p) => !Number.isFinite(p[1]));
  if (bad) return gap('no-data', `no data: the value at ${isoTime(bad[0])} is ${bad[1]}`, points);
  if (!instant) {
    const need = q.minPoints ?? defaultMinPoints(w, stepSeconds);
    if (points.length < need)
      return gap(
        'no-data',
        `no data: ${points.length} point${points.length === 1 ? '' : 's'}, the window needs ${need} (minPoints; one every ${stepSeconds}s from ${isoTime(w.start)} to ${isoTime(w.end)})`,
        points,
      );
    const newest = points.at(-1)![0];
    if (newest < w.end - 2 * stepSeconds)
      return gap(
        'no-data',
        `no data: the series is stale: its newest point is at ${isoTime(newest)}, more than two steps (2 × ${stepSeconds}s) before the window's end ${isoTime(w.end)}`,
        points,
      );
  }
  const { value, at } = aggregate(points, q.over, q.judge);
  return { ok: true, query, value, at, points, labels: one.labels, answer };
}
