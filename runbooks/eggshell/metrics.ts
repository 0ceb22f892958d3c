import type { RunbookInput } from 'rollgate';

type MetricChecks = NonNullable<RunbookInput['stages'][string]['metrics']>;

/**
 * The plan's monitoring table as metric checks. PromQL on what the embedded Prometheus scraped from
 * the demo (each series labelled rollgate_target); Prometheus's own scrapes of /api/metrics are
 * not traffic. JSON checks read the app's telemetry and deep health once, when judged.
 */
const traffic = (extra = '') => `{rollgate_target="{target}",route!="/api/metrics"${extra}}`;
const requests = `sum(increase(http_requests_total${traffic()}[{window}]))`;
const errors = `sum(increase(http_requests_total${traffic(',status=~"5.."')}[{window}]))`;
const errorRatio = `${errors} / ${requests}`;
const rss = 'process_resident_memory_bytes{rollgate_target="{target}"}';
const GiB = 1024 ** 3;
const MB = 1000 ** 2;

/** Memory and CPU targets: the table's "< 1.5GB" and "< 70%" (its alerts, 1.8 GB and 85%, are looser). */
export const MEMORY_TARGET_BYTES = 1.5 * GiB;
export const CPU_TARGET = 0.7;

/** The canary's success criteria and the table's targets, on the load the canary and baseline get. */
export const canaryMetrics: MetricChecks = [
  {
    // No minTraffic count: the rule of three asks 3,000 requests to resolve 0.1%.
    name: 'error-ratio',
    provider: 'prometheus',
    title: '5xx ratio under 0.1% (success criterion; the 0.5% alert is looser), on at least 3,000 requests',
    query: errorRatio,
    operator: '<',
    value: 0.001,
    unit: 'ratio',
    minTraffic: { query: requests },
  },
  {
    name: 'error-ratio-vs-baseline',
    provider: 'prometheus',
    title: 'no increase in the 5xx ratio: canary at most 0.1 points above the baseline',
    query: errorRatio,
    baseline: { mode: 'difference', operator: '<=', value: 0.001 },
    minTraffic: { query: requests, count: 'load' },
  },
  {
    name: 'db-connections',
    provider: 'prometheus',
    title: 'no database connection trouble: connections in use stay under 20',
    query: 'max_over_time(demo_db_connections_in_use{rollgate_target="{target}"}[{window}])',
    operator: '<',
    value: 20,
  },
  {
    name: 'memory-stability',
    provider: 'prometheus',
    // A healthy demo grows about 30% while it warms up (JIT, caches, the browser checks before the
    // load); the memory-leak fault keeps 64 KB a request, doubling it within the load.
    title: 'memory stable: resident memory grows less than 50% over the load (a leak shows at once)',
    query: `(max_over_time(${rss}[{window}]) - min_over_time(${rss}[{window}])) / min_over_time(${rss}[{window}])`,
    operator: '<',
    value: 0.5,
    unit: 'ratio',
  },
  {
    name: 'memory-usage',
    provider: 'prometheus',
    title: 'resident memory under 1.5 GiB at its highest over the load (target; alert at 1.8)',
    query: `max_over_time(${rss}[{window}])`,
    operator: '<',
    value: MEMORY_TARGET_BYTES,
    unit: 'bytes',
  },
  {
    // The app is one Node process: one core is its 100%. Under the profile's steady arrival rate,
    // not a stress test.
    name: 'cpu-usage',
    provider: 'prometheus',
    title: 'CPU under 70% of a core over the load (target; alert at 85%)',
    query: 'rate(process_cpu_seconds_total{rollgate_target="{target}"}[{window}])',
    operator: '<',
    value: CPU_TARGET,
    unit: 'ratio',
  },
  {
    name: 'cache-hit-ratio',
    provider: 'prometheus',
    title: 'the estimates cache answers most reads (over half) under load',
    query:
      'sum(increase(demo_cache_hits_total{rollgate_target="{target}"}[{window}])) / ' +
      '(sum(increase(demo_cache_hits_total{rollgate_target="{target}"}[{window}])) + sum(increase(demo_cache_misses_total{rollgate_target="{target}"}[{window}])))',
    operator: '>',
    value: 0.5,
    unit: 'ratio',
    minTraffic: {
      query:
        'sum(increase(demo_cache_hits_total{rollgate_target="{target}"}[{window}])) + sum(increase(demo_cache_misses_total{rollgate_target="{target}"}[{window}]))',
      count: 100,
    },
  },
];

/** What the app's telemetry and deep health say about its database and process, read once. */
export const jsonMetrics: MetricChecks = [
  {
    name: 'db-query-latency',
    provider: 'health',
    title: 'a database query (deep health) answers within 100 ms',
    query: 'checks.database.latencyMs',
    operator: '<',
    value: 100,
    unit: 'ms',
  },
  {
    name: 'database-size',
    provider: 'telemetry',
    title: 'database file (with its WAL) under 1 GB: the target',
    query: 'database.sizeBytes',
    operator: '<',
    value: 1000 * MB,
    unit: 'bytes',
  },
  {
    // The alert fires before the target is missed: a warning that the volume fills up, reported
    // (advisory) without holding; the 1 GB target above holds.
    name: 'database-size-alert',
    provider: 'telemetry',
    title: 'database file under 900 MB: below the alert threshold',
    query: 'database.sizeBytes',
    operator: '<',
    value: 900 * MB,
    unit: 'bytes',
    advisory: true,
  },
  {
    name: 'memory-now',
    provider: 'telemetry',
    title: 'resident memory the app reports under 1.5 GiB (target; alert at 1.8)',
    query: 'process.rssBytes',
    operator: '<',
    value: MEMORY_TARGET_BYTES,
    unit: 'bytes',
  },
];
