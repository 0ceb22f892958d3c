import { failureCounts } from './failures.ts';
import { type LatencySummary, type PercentileKey, summarize } from './stats.ts';

/** One request as a load engine saw it. */
export interface RequestSample {
  /** Endpoint name from the profile (k6: the `name` tag). */
  endpoint: string;
  /** Time to the complete response; null when no response came (network error, timeout). */
  latencyMs: number | null;
  /** HTTP status; 0 when no response came. */
  status: number;
  /** Counts against the error rate (status ≥ 500 by default, no response, or a status the endpoint does not expect). */
  failed: boolean;
  /** Why no response came (status 0): `ECONNREFUSED`, `ECONNRESET`, `timeout`… */
  error?: string;
}

export interface EndpointObservation {
  endpoint: string;
  requests: number;
  failed: number;
  latency: LatencySummary;
}

/**
 * What one load run observed, whichever engine ran it. Percentiles that the source does not
 * carry are absent (k6 reports only its `summaryTrendStats`): absent means no data, never 0.
 */
export interface LoadObservation {
  engine: 'k6' | 'autocannon' | 'k6-summary';
  /** Requests made (answered or not). */
  requests: number;
  /** Requests that count as errors. */
  failed: number;
  /** failed ÷ requests; null without requests. */
  errorRate: number | null;
  latency: Partial<Record<PercentileKey, number>>;
  /** How many durations the percentiles summarise. */
  latencySamples: number;
  durationMs: number | null;
  /** Requests per second over the run. */
  throughput: number | null;
  /** k6 thresholds that were crossed, as `metric: expression`. */
  thresholdsCrossed: string[];
  endpoints: EndpointObservation[];
  /** Failed requests by status or error kind (`500`, `ECONNREFUSED`); absent without per-request data. */
  failures?: Record<string, number>;
}

const KEYS: PercentileKey[] = ['p50', 'p90', 'p95', 'p99'];

function present(summary: LatencySummary): Partial<Record<PercentileKey, number>> {
  const out: Partial<Record<PercentileKey, number>> = {};
  for (const k of KEYS) if (summary[k] !== null) out[k] = summary[k];
  return out;
}

function latencies(samples: readonly RequestSample[]): number[] {
  const out: number[] = [];
  for (const s of samples) if (s.latencyMs !== null) out.push(s.latencyMs);
  return out;
}

/** Per-endpoint request counts, errors and latency percentiles, in first-seen order. */
export function byEndpoint(samples: readonly RequestSample[]): EndpointObservation[] {
  const groups = new Map<string, RequestSample[]>();
  for (const s of samples) {
    const list = groups.get(s.endpoint) ?? [];
    list.push(s);
    groups.set(s.endpoint, list);
  }
  return [...groups].map(([endpoint, list]) => ({
    endpoint,
    requests: list.length,
    failed: list.filter((s) => s.failed).length,
    latency: summarize(latencies(list)),
  }));
}

/** Builds an observation from per-request samples (the embedded engine, or k6's points stream). */
export function observeSamples(
  engine: LoadObservation['engine'],
  samples: readonly RequestSample[],
  durationMs: number | null,
): LoadObservation {
  const values = latencies(samples);
  const failed = samples.filter((s) => s.failed).length;
  return {
    engine,
    requests: samples.length,
    failed,
    errorRate: samples.length > 0 ? failed / samples.length : null,
    latency: present(summarize(values)),
    latencySamples: values.length,
    durationMs,
    throughput: durationMs && durationMs > 0 ? samples.length / (durationMs / 1000) : null,
    thresholdsCrossed: [],
    endpoints: byEndpoint(samples),
    failures: failureCounts(samples),
  };
}
