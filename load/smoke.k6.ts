import { check } from 'k6';
import http from 'k6/http';
import type { Options } from 'k6/options';

/**
 * A hand-written k6 script (run only where k6 exists: K6_BIN or k6 on PATH). rollgate bundles it
 * with esbuild, passes the target as __ENV.BASE_URL and adds the runbook's budgets to these
 * thresholds; the script keeps its own (here: checks must pass).
 */
const BASE = __ENV.BASE_URL ?? 'http://127.0.0.1:3000';

export const options: Options = {
  vus: 2,
  duration: '3s',
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
  thresholds: { checks: ['rate>0.99'] },
};

export default function (): void {
  const res = http.get(`${BASE}/api/simple-health`, { tags: { name: 'simple-health' } });
  check(res, { 'simple-health answers 200': (r) => r.status === 200 });
}
