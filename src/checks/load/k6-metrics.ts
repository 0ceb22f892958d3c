import type { LoadObservation } from './observation.ts';
import type { PercentileKey } from './stats.ts';

/**
 * k6's end-of-test metrics in one shape, whichever file they came from: every number of a metric
 * in `values`, and each threshold as CROSSED (true) or held (false). The two k6 formats disagree
 * on that boolean (see the parsers), so they are normalised once, here.
 */
export interface K6Metric {
  values: Record<string, number>;
  crossed: Record<string, boolean>;
}
export type K6Metrics = Record<string, K6Metric>;

/** Where k6 keeps each budget percentile: the median is `med`; others exist only if requested. */
const TREND_KEYS: Record<PercentileKey, string[]> = {
  p50: ['med', 'p(50)'],
  p90: ['p(90)'],
  p95: ['p(95)'],
  p99: ['p(99)'],
};

export interface K6ObserveOptions {
  /**
   * A sub-metric selector such as `{scenario:load}`: read `http_req_duration{scenario:load}` etc.
   * instead of the whole run (rollgate's generated scripts keep their warm-up out this way).
   */
  scope?: string;
  /** Run length when the source states it (handleSummary's state.testRunDurationMs). */
  durationMs?: number;
  engine?: LoadObservation['engine'];
}

/** Thresholds crossed anywhere in the run, as `metric: expression`, sorted. */
export function crossedThresholds(metrics: K6Metrics): string[] {
  const out: string[] = [];
  for (const [name, m] of Object.entries(metrics)) {
    for (const [expr, crossed] of Object.entries(m.crossed)) if (crossed) out.push(`${name}: ${expr}`);
  }
  return out.sort();
}

/**
 * Turns k6's metrics into rollgate's observation. Requests and failures come from the
 * `http_req_failed` rate metric, where `passes` counts FAILED requests (the rate is "how often
 * the request failed") and `fails` the ones that did not; `http_reqs` is the fallback count.
 */
export function observeK6Metrics(metrics: K6Metrics, opts: K6ObserveOptions = {}): LoadObservation {
  const scope = opts.scope ?? '';
  const duration = metrics[`http_req_duration${scope}`];
  const failedRate = metrics[`http_req_failed${scope}`];
  const reqs = metrics[`http_reqs${scope}`];
  let requests = 0;
  let failed = 0;
  if (failedRate && failedRate.values.passes !== undefined && failedRate.values.fails !== undefined) {
    failed = failedRate.values.passes;
    requests = failedRate.values.passes + failedRate.values.fails;
  } else if (reqs?.values.count !== undefined) {
    requests = reqs.values.count;
  }
  const latency: LoadObservation['latency'] = {};
  if (duration) {
    for (const [key, names] of Object.entries(TREND_KEYS) as [PercentileKey, string[]][]) {
      const found = names.map((n) => duration.values[n]).find((v) => v !== undefined);
      if (found !== undefined) latency[key] = found;
    }
  }
  const rate = reqs?.values.rate;
  const count = reqs?.values.count;
  // summary-export carries no run length; count ÷ rate gives it back (k6 computes rate that way).
  const durationMs = opts.durationMs ?? (rate && count !== undefined ? (count / rate) * 1000 : null);
  const errorRate =
    failedRate?.values.value ?? failedRate?.values.rate ?? (requests > 0 ? failed / requests : null);
  return {
    engine: opts.engine ?? 'k6',
    requests,
    failed,
    errorRate: requests > 0 ? errorRate : null,
    latency,
    latencySamples: duration ? requests : 0,
    durationMs,
    throughput: rate ?? null,
    thresholdsCrossed: crossedThresholds(metrics),
    endpoints: [],
  };
}
