import type { MetricCheck } from '../../model/metrics.ts';
import { evaluateMetric, type MetricGap, type MetricReading, type PointJudge } from './evaluate-metric.ts';
import { fillQuery, promDuration } from './template.ts';
import { readTraffic, type TrafficNeed, type TrafficReading } from './traffic.ts';
import type { MetricSource, MetricVars, MetricWindow } from './types.ts';

/** What one target's side of a check read: the query's value and, with a guard, the traffic. */
export interface TargetReading {
  role: 'canary' | 'baseline';
  target: string;
  window: MetricWindow;
  /** The filled query. */
  query: string;
  reading: MetricReading;
  /** The guard's reading, when the check has one; a gap when its count could not be set. */
  traffic?: TrafficReading | GuardUnset;
}

/** A guard whose count cannot be set (`'load'` with nothing sent, no rule of three): no data, no query run. */
export interface GuardUnset extends Omit<MetricGap, 'answer'> {
  kind: 'no-data';
  answer?: undefined;
}

/**
 * Reads one target's side: its query (templated with `{target}` = the target and `{window}` its
 * window) evaluated over its window, and the check's min-traffic guard beside it.
 */
export async function readTarget(o: {
  role: TargetReading['role'];
  check: Pick<MetricCheck, 'over' | 'minPoints' | 'minTraffic'>;
  /** The query template of this side. */
  template: string;
  source: MetricSource;
  vars: MetricVars;
  window: MetricWindow;
  stepSeconds: number;
  judge?: PointJudge;
  /** What the guard needs, or why that cannot be said (read only when the check has a guard). */
  need?: TrafficNeed | { error: string };
}): Promise<TargetReading> {
  const filled = { ...o.vars, window: promDuration(o.window.end - o.window.start) };
  const query = fillQuery(o.template, filled);
  const guard = o.check.minTraffic ? fillQuery(o.check.minTraffic.query, filled) : undefined;
  const [reading, traffic] = await Promise.all([
    evaluateMetric({
      query,
      over: o.check.over,
      source: o.source,
      window: o.window,
      stepSeconds: o.stepSeconds,
      minPoints: o.check.minPoints,
      judge: o.judge,
    }),
    guard === undefined || o.need === undefined
      ? undefined
      : 'error' in o.need
        ? ({
            ok: false,
            kind: 'no-data',
            query: guard,
            reason: `no data: ${o.need.error}`,
            points: [],
          } satisfies GuardUnset)
        : readTraffic({ query: guard, source: o.source, window: o.window, need: o.need }),
  ]);
  return { role: o.role, target: o.vars.target, window: o.window, query, reading, traffic };
}
