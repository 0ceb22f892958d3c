import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export interface DemoMetrics {
  readonly registry: Registry;
  observe(method: string, route: string, status: number, seconds: number): void;
  close(): void;
}

// Bucket edges around the budgets a runbook usually sets (p95 300/500 ms) and the `slow`
// fault's 800 ms, so a histogram_quantile lands on a meaningful edge.
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1, 2.5, 5, 10];

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * One registry per server (not prom-client's global one), so two demos in one process, as in
 * the tests, never share or double-register metrics.
 */
export function createMetrics(): DemoMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from request received to response finished, by method, route pattern and status code',
    labelNames,
    buckets: DURATION_BUCKETS,
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
    close() {
      registry.clear();
    },
  };
}
