import { z } from 'zod';
import { envName } from './declarations.ts';
import { Duration } from './governance.ts';
import { MeasurementOutcome, Operator } from './measurement.ts';

/**
 * Real-traffic metrics: providers a runbook declares, metric checks a stage judges on them, and
 * recorded series that prove the checks before they gate. No data never passes.
 */

/**
 * A Prometheus server. Without `url` it is the embedded one: rollgate starts a throw-away
 * Prometheus on a free loopback port that scrapes the stage's targets (and baseline) every
 * `scrapeInterval` at `metricsPath`, each series labelled `rollgate_target="<target name>"`, and
 * stops it with everything else.
 * @example { type: 'prometheus' } // embedded
 * @example { type: 'prometheus', url: 'https://prometheus.internal:9090', bearerTokenEnv: 'PROM_TOKEN', scrapeInterval: '15s' }
 */
export const PrometheusProvider = z.strictObject({
  type: z.literal('prometheus'),
  /** Base URL of the server (its HTTP API is under /api/v1); omit for the embedded one. */
  url: z.string().url().optional(),
  /** Request headers; `${NAME}` reads an environment variable (masked everywhere). @example { 'X-Scope-OrgID': '${TENANT}' } */
  headers: z.record(z.string(), z.string()).default({}),
  /** Environment variable holding a bearer token sent as `Authorization: Bearer …` (a secret). */
  bearerTokenEnv: envName.optional(),
  /** PEM file of the CA that signed the server's certificate. @example 'certs/internal-ca.pem' */
  caFile: z.string().min(1).optional(),
  /** One query taking longer is errored (never a pass). */
  timeoutMs: z.number().int().positive().default(10_000),
  /** Embedded: the path the targets expose Prometheus metrics on. @example '/api/metrics' */
  metricsPath: z.string().startsWith('/').default('/metrics'),
  /**
   * Embedded: how often each target is scraped (default 1 s). An external server: its own interval,
   * waited twice after the load when there is no `freshnessQuery` (one of the two is required).
   * @example '15s'
   */
  scrapeInterval: Duration.optional(),
  /**
   * An external server: a query whose value is the time of the newest scrape of `{target}`, read
   * to know the data covers a moment (the load step's end). Embedded: `timestamp(up{rollgate_target="{target}"})`.
   * Without one, rollgate waits two scrape intervals instead.
   * @example 'timestamp(up{job="shop", deployment="{target}"})'
   */
  freshnessQuery: z.string().min(1).optional(),
});
export type PrometheusProvider = z.infer<typeof PrometheusProvider>;

/**
 * An HTTP endpoint answering JSON, for apps that expose metrics as JSON: a metric check's `query`
 * is then a dotted path into it, read once (an instant value; no window or range).
 * @example { type: 'json', url: '/api/stats' } // a path on the stage's target
 */
export const JsonProvider = z.strictObject({
  type: z.literal('json'),
  /** Absolute URL, or a path on the stage's target (signed in when the target declares auth). */
  url: z.string().min(1),
  headers: z.record(z.string(), z.string()).default({}),
  bearerTokenEnv: envName.optional(),
  caFile: z.string().min(1).optional(),
  timeoutMs: z.number().int().positive().default(10_000),
});
export type JsonProvider = z.infer<typeof JsonProvider>;

export const MetricProvider = z.discriminatedUnion('type', [PrometheusProvider, JsonProvider]);
export type MetricProvider = z.infer<typeof MetricProvider>;

/**
 * How a range of points becomes the one value judged: every point must meet the condition (`all`),
 * at least one (`any`), or their average, maximum or last value. `instant` evaluates the query
 * once at the window's end (counters over the window: `increase(x[{window}])`).
 */
export const MetricAggregation = z.enum(['instant', 'all', 'any', 'avg', 'max', 'last']);
export type MetricAggregation = z.infer<typeof MetricAggregation>;

/**
 * A minimum-traffic guard: fewer requests in the window than `count` is inconclusive (HOLD), with
 * the numbers and an estimate of how much longer it needs.
 */
export const MinTraffic = z.strictObject({
  /** Requests in the window, templated like the check's query. @example 'sum(increase(http_requests_total{rollgate_target="{target}"}[{window}]))' */
  query: z.string().min(1),
  /**
   * Requests needed: a number, `'load'` (as many as the load step got answers from the target, warm-up included), or, when
   * omitted, the rule of three for a rate condition (3 ÷ value: 600 to resolve 0.5%).
   */
  count: z.union([z.number().int().positive(), z.literal('load')]).optional(),
});
export type MinTraffic = z.infer<typeof MinTraffic>;

/**
 * Canary against baseline: the same query (or `query`) evaluated for the baseline target, and the
 * canary's value judged as `ratio` (canary ÷ baseline) or `difference` (canary − baseline) by the
 * check's operator against `value`. A ratio on a baseline of 0 is 1 when the canary is 0 too, and
 * Infinity (a failure) when it is not.
 * @example { mode: 'difference', operator: '<=', value: 0.005 } // at most 0.5 points above baseline
 * @example { mode: 'ratio', operator: '<=', value: 1.5 }         // "performance degradation > 50%"
 */
export const MetricBaseline = z.strictObject({
  /** The baseline target; default the stage's `baseline`. */
  target: z.string().min(1).optional(),
  /** The baseline's query; default the check's, with `{target}` the baseline target. */
  query: z.string().min(1).optional(),
  mode: z.enum(['ratio', 'difference']),
  operator: Operator,
  value: z.number().finite(),
});
export type MetricBaseline = z.infer<typeof MetricBaseline>;

/**
 * One metric check of a stage (`metrics/<name>`): a query judged by the one budget evaluator.
 * Templates in queries: `{release}`, `{stage}`, `{target}`, `{baseline}`, `{window}` (a PromQL
 * duration such as `37125ms`).
 * @example {
 *   name: 'error-ratio',
 *   query: 'sum(increase(http_requests_total{rollgate_target="{target}",status=~"5.."}[{window}])) / sum(increase(http_requests_total{rollgate_target="{target}"}[{window}]))',
 *   operator: '<', value: 0.005, unit: 'ratio',
 *   minTraffic: { query: 'sum(increase(http_requests_total{rollgate_target="{target}"}[{window}]))' },
 * }
 */
export const MetricCheck = z.strictObject({
  /** The check id is `metrics/<name>`. @example 'error-ratio' */
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes'),
  /** What the check asks, in words. */
  title: z.string().min(1).optional(),
  /** A provider name in the runbook's `providers`; default the only one declared. */
  provider: z.string().min(1).optional(),
  /** PromQL (prometheus) or a dotted JSON path (json). */
  query: z.string().min(1),
  /** The condition: `<value> <operator> <value>` must hold. Ignored in favour of `baseline`'s when that is set. */
  operator: Operator.optional(),
  value: z.number().finite().optional(),
  /** A label for the value (ms, ratio, bytes); no conversion is made. */
  unit: z.string().min(1).optional(),
  /** How the points of the window become one value. */
  over: MetricAggregation.default('instant'),
  /**
   * The window judged, ending at the newest scrape: a duration, or `'load'` (from a scrape taken
   * just before the stage's load step to the first scrape after it ended). In `rollgate metrics
   * test`, `'load'` spans the whole recorded series.
   */
  window: z.union([z.literal('load'), Duration]).default('load'),
  /** Distance between points of a range; default the provider's scrape interval. @example '30s' */
  step: Duration.optional(),
  /** A range with fewer points than this is no data; default 80% of window ÷ step (at least 2). */
  minPoints: z.number().int().positive().optional(),
  /** Requests the window must hold before the value means anything. */
  minTraffic: MinTraffic.optional(),
  /** Compare against the baseline instead of a fixed value. */
  baseline: MetricBaseline.optional(),
  /** Advisory: reported ("advisory, not met") but never holds the stage; a runbook's WARN beside its CRITICAL. */
  advisory: z.boolean().default(false),
});
export type MetricCheck = z.infer<typeof MetricCheck>;
export type MetricCheckInput = z.input<typeof MetricCheck>;

/**
 * A recorded series a stage's metric checks are tested on by `rollgate metrics test`: an
 * OpenMetrics file (ending in `# EOF`) and the outcome each named check must have at its end.
 * @example { series: 'runbooks/series/memory-growing-3pct-6h.om', expect: { 'memory-growth': 'fail' } }
 */
export const MetricTest = z.strictObject({
  /** OpenMetrics file, relative to the project root. */
  series: z.string().min(1),
  /** What the case shows, in words. @example 'last month's leak' */
  description: z.string().optional(),
  /** Check name → outcome expected at the series' end (pass, fail, no-data, inconclusive). */
  expect: z.record(z.string(), MeasurementOutcome).refine((e) => Object.keys(e).length > 0, {
    message: 'names no check: give at least one check name and the outcome it must have',
  }),
});
export type MetricTest = z.infer<typeof MetricTest>;

/** Id of a metric check in verdicts and plans. */
export const metricCheckId = (name: string) => `metrics/${name}`;

/** The provider a check uses: the one it names, else the only one declared. */
export function providerOf(
  check: Pick<MetricCheck, 'provider'>,
  providers: Record<string, MetricProvider>,
): { name: string; provider: MetricProvider } | undefined {
  const names = Object.keys(providers);
  const name = check.provider ?? (names.length === 1 ? names[0] : undefined);
  return name && providers[name] ? { name, provider: providers[name] } : undefined;
}

/** The embedded server scrapes every second unless told otherwise. */
export const EMBEDDED_SCRAPE_MS = 1000;

/** A prometheus provider's scrape interval in ms (the embedded default when it sets none). */
export const scrapeIntervalOf = (p: PrometheusProvider): number => p.scrapeInterval ?? EMBEDDED_SCRAPE_MS;
