import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface DemoMetrics {
  readonly registry: Registry;
  observe(method: string, route: string, status: number, seconds: number): void;
  /** One read of the estimates cache answered from memory. */
  cacheHit(): void;
  /** One read of the estimates cache that went to the database. */
  cacheMiss(): void;
  close(): void;
}

export interface MetricsOptions {
  /** `role` label on every series: DEMO_ROLE (canary, baseline), else `primary`. */
  role: string;
  /** `version` label on every series: the version as reported, fault suffix included. */
  version: string;
  /** The router's routes: each gets its request counters (200, 302, 303, 500) and latency histograms at 0 from the start. */
  routes: readonly { method: string; path: string }[];
  /** Read at each scrape for `demo_db_connections_in_use`; must be cheap and synchronous. */
  connectionsInUse: () => number;
}

// Bucket edges around the budgets a runbook usually sets (p95 300/500 ms) and the `slow`
// fault's 800 ms, so a histogram_quantile lands on a meaningful edge.
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1, 2.5, 5, 10];

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Statuses whose counters exist before the first request: success, and the error the checks count. */
// What the demo's routes answer in normal use (pages redirect with 302/303 once signed in) and the error.
const PRESET_STATUSES = ['200', '302', '303', '500'];

/**
 * One registry per server (not prom-client's global one), so two demos in one process, as in
 * the tests, never share or double-register metrics. Default metrics (process_resident_memory_bytes,
 * nodejs_heap_size_used_bytes, nodejs_eventloop_lag_seconds…) are collected at scrape time only.
 */
export function createMetrics(opts: MetricsOptions): DemoMetrics {
  const registry = new Registry();
  // Every series, default metrics included, says which instance and release it came from, so a
  // query can tell the canary from the baseline even when both are scraped under one job.
  // (nodejs_version_info keeps its own `version`, Node's: a metric's labels win over default ones.)
  registry.setDefaultLabels({ role: opts.role, version: opts.version });
  collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code',
    labelNames,
    registers: [registry],
  });
  // Prometheus's increase()/rate() only see what a series did between its samples: a series born
  // inside the window (the route's first 500) has no earlier sample, so its first value is never
  // counted and one error in a quiet window reads as none. At 0 from the first scrape, the first
  // error is an increase from 0 to 1 like any other.
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from request received to response finished, by method, route pattern and status code',
    labelNames,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  for (const route of opts.routes) {
    for (const status of PRESET_STATUSES) {
      requests.inc({ method: route.method, route: route.path, status }, 0);
      duration.zero({ method: route.method, route: route.path, status });
    }
  }
  new Gauge({
    name: 'demo_db_connections_in_use',
    help: 'Database connections the app holds busy: checked out of the pool (SQLite: open handles), leaked ones included',
    registers: [registry],
    collect() {
      // A store that cannot say reports NaN, never a reassuring 0.
      let value: number;
      try {
        value = opts.connectionsInUse();
      } catch {
        value = Number.NaN;
      }
      this.set(value);
    },
  });
  const cacheHits = new Counter({
    name: 'demo_cache_hits_total',
    help: 'Reads of the estimates list answered from the in-memory cache',
    registers: [registry],
  });
  const cacheMisses = new Counter({
    name: 'demo_cache_misses_total',
    help: 'Reads of the estimates list that went to the database (absent or expired in the cache)',
    registers: [registry],
  });
  return {
    registry,
    observe(method, route, status, seconds) {
      // Label values are bounded (route patterns, known methods) so a scanner cannot blow up cardinality.
      const labels = { method: KNOWN_METHODS.has(method) ? method : 'OTHER', route, status: String(status) };
      requests.inc(labels);
      duration.observe(labels, seconds);
    },
    cacheHit: () => cacheHits.inc(),
    cacheMiss: () => cacheMisses.inc(),
    close() {
      registry.clear();
    },
  };
}
