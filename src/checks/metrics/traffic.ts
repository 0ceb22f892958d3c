import { formatDuration } from '../../model/governance.ts';
import type { MinTraffic } from '../../model/metrics.ts';
import { evaluateMetric, type MetricGap } from './evaluate-metric.ts';
import type { MetricAnswerOk, MetricSource, MetricWindow } from './types.ts';

/** How many requests a window must hold, and why, in the words of the inconclusive message. */
export interface TrafficNeed {
  needed: number;
  /** `to resolve 0.5%`, `(minTraffic.count)`, `(the load step's answered requests)`. */
  why: string;
}

/** 0.005 → `0.5%`. */
const percent = (v: number) => `${Number((v * 100).toPrecision(6))}%`;

/**
 * The requests a guard needs: its `count`, as many as the load step sent to the target
 * (`'load'`), or by the rule of three (3 ÷ value) for a rate condition: with no error in 600
 * requests, a rate above 0.5% is unlikely (95%), so 600 resolve 0.5%. An error when none applies.
 */
export function requestsNeeded(
  guard: MinTraffic,
  conditionValue: number | undefined,
  loadSent: number | undefined,
  target: string,
): TrafficNeed | { error: string } {
  if (typeof guard.count === 'number') return { needed: guard.count, why: '(minTraffic.count)' };
  if (guard.count === 'load') {
    if (loadSent === undefined || !Number.isFinite(loadSent) || loadSent <= 0)
      return {
        error: `minTraffic.count is 'load', but the load step sent nothing to count on ${target}: run the load step against ${target}, or give minTraffic.count a number`,
      };
    return { needed: Math.ceil(loadSent), why: `(the load step's answered requests)` };
  }
  if (conditionValue !== undefined && conditionValue > 0 && conditionValue < 1)
    return {
      needed: Math.ceil(Number((3 / conditionValue).toPrecision(12))),
      why: `to resolve ${percent(conditionValue)}`,
    };
  return {
    error:
      'minTraffic.count is needed: the rule of three (3 ÷ value) only applies to a rate condition between 0 and 1',
  };
}

/** `about 9 more minutes at the observed rate`, or `no requests in the window`. */
export function trafficEstimate(count: number, needed: number, windowSeconds: number): string {
  if (count <= 0) return 'no requests in the window';
  const seconds = Math.max(0, needed - count) / (count / Math.max(windowSeconds, 1e-3));
  if (seconds < 90) {
    const s = Math.max(1, Math.ceil(seconds));
    return `about ${s} more second${s === 1 ? '' : 's'} at the observed rate`;
  }
  const m = Math.round(seconds / 60);
  return `about ${m} more minute${m === 1 ? '' : 's'} at the observed rate`;
}

/** The guard's reading: the request count against what is needed, with the sentence saying so. */
export type TrafficReading =
  | {
      ok: true;
      query: string;
      /** Requests in the window, as the query answered (increase() may give a fraction). */
      count: number;
      needed: number;
      enough: boolean;
      /** `312 requests in 10m; 600 needed to resolve 0.5%; about 9 more minutes at the observed rate`. */
      message: string;
      answer: MetricAnswerOk;
    }
  | MetricGap;

/**
 * Evaluates the min-traffic guard (its filled query) at the window's end. Its value is the request
 * count: one finite number of at least 0, else no data. Too few is `enough: false`.
 */
export async function readTraffic(o: {
  query: string;
  source: MetricSource;
  window: MetricWindow;
  need: TrafficNeed;
}): Promise<TrafficReading> {
  const r = await evaluateMetric({
    query: o.query,
    over: 'instant',
    source: o.source,
    window: o.window,
    stepSeconds: 1,
  });
  if (!r.ok)
    return {
      ...r,
      reason:
        r.kind === 'no-data'
          ? r.reason.replace(/^no data: /, 'no data: the traffic guard: ')
          : `the traffic guard: ${r.reason}`,
    };
  if (r.value < 0)
    return {
      ok: false,
      kind: 'no-data',
      query: o.query,
      reason: `no data: the traffic guard answered ${r.value}, and a request count cannot be negative`,
      answer: r.answer,
      points: r.points,
    };
  const seconds = o.window.end - o.window.start;
  const shown = Math.floor(r.value);
  const { needed, why } = o.need;
  const enough = r.value >= needed;
  const head = `${shown} request${shown === 1 ? '' : 's'} in ${formatDuration(seconds * 1000)}`;
  const message = enough
    ? `${head}; ${needed} needed ${why}`
    : `${head}; ${needed} needed ${why}; ${trafficEstimate(r.value, needed, seconds)}`;
  return { ok: true, query: o.query, count: r.value, needed, enough, message, answer: r.answer };
}
