import { LoadBudget, metricOf } from './budgets.ts';
import { LoadRefusedError } from './hosts.ts';

export type K6Thresholds = Record<string, string[]>;

/** The scenario rollgate's generated scripts measure; the warm-up runs as another scenario. */
export const LOAD_SCENARIO = 'load';
export const LOAD_SCOPE = `{scenario:${LOAD_SCENARIO}}`;

const METRIC = {
  p50: ['http_req_duration', 'med'],
  p90: ['http_req_duration', 'p(90)'],
  p95: ['http_req_duration', 'p(95)'],
  p99: ['http_req_duration', 'p(99)'],
  'error-rate': ['http_req_failed', 'rate'],
  requests: ['http_reqs', 'count'],
  throughput: ['http_reqs', 'rate'],
} as const;

function selector(metric: string, scenario: string | undefined, endpoint: string | undefined): string {
  if (endpoint !== undefined && /[,{}:]/.test(endpoint)) {
    throw new LoadRefusedError(
      'ROLLGATE_LOAD_PROFILE_INVALID',
      `endpoint "${endpoint}": k6 sub-metric tags cannot hold , { } or :; rename the endpoint`,
    );
  }
  const tags = [scenario && `scenario:${scenario}`, endpoint !== undefined && `name:${endpoint}`].filter(
    Boolean,
  );
  return tags.length ? `${metric}{${tags.join(',')}}` : metric;
}

/**
 * k6 thresholds from budgets, so k6's own exit code (99) agrees with rollgate's evaluation:
 * p95 ≤ 500 → `http_req_duration: ['p(95)<=500']`, error rate < 0.001 → `http_req_failed:
 * ['rate<0.001']`. With a scenario, every threshold reads that scenario's sub-metric, and
 * always-true thresholds make k6 report the scenario's duration, failure and request sub-metrics
 * even where no budget names them (k6 only reports sub-metrics that have thresholds).
 */
export function k6Thresholds(budgets: readonly LoadBudget[], scenario?: string): K6Thresholds {
  const out: K6Thresholds = {};
  const add = (key: string, expr: string) => {
    const list = out[key] ?? [];
    if (!list.includes(expr)) list.push(expr);
    out[key] = list;
  };
  if (scenario) {
    add(selector('http_req_duration', scenario, undefined), 'max>=0');
    add(selector('http_req_failed', scenario, undefined), 'rate>=0');
    add(selector('http_reqs', scenario, undefined), 'count>=0');
  }
  for (const input of budgets) {
    const b = LoadBudget.parse(input);
    const [metric, agg] = METRIC[metricOf(b)];
    add(selector(metric, scenario, b.endpoint), `${agg}${b.operator}${b.value}`);
  }
  return out;
}
