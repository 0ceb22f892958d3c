import { z } from 'zod';
import type { Measurement } from '../../model/measurement.ts';
import { LoadMetric, Operator, outcomeOf } from '../../model/measurement.ts';
import { type BudgetSpec, evaluate } from '../budget.ts';
import { describeFailures } from './failures.ts';
import type { LoadObservation } from './observation.ts';
import type { PercentileKey } from './stats.ts';

export { LoadMetric };

/**
 * A budget on a load run. A runbook's plain `Budget` ({ name, operator, value, unit, minSamples })
 * is accepted as is: the metric is read from the name ('p95-latency', 'error-rate', …).
 * @example { name: 'error-rate', operator: '<', value: 0.005 } // "< 0.5%", needs 600 requests
 */
export const LoadBudget = z.object({
  name: z.string().min(1),
  /** Default: read from `name` (see {@link metricOf}). */
  metric: LoadMetric.optional(),
  operator: Operator,
  /** Latency in ms, error rate as a fraction (0.001 = 0.1%), throughput in requests/s. */
  value: z.number(),
  unit: z.string().optional(),
  minSamples: z.number().int().positive().optional(),
  /**
   * A rate budget needs 3 ÷ value requests before it can pass (the rule of three: with no error
   * in n requests the 95% upper bound of the rate is about 3/n). `inconclusive` (default) HOLDs on
   * fewer; `judge` compares whatever was seen, for low-traffic services that accept the risk.
   */
  lowVolume: z.enum(['inconclusive', 'judge']).default('inconclusive'),
  /** Only this endpoint's requests (its name in the profile). */
  endpoint: z.string().optional(),
});
export type LoadBudget = z.input<typeof LoadBudget>;

/** Reads the metric from a budget's name when it is not given: 'p95-latency' → p95. */
export function metricOf(budget: { name: string; metric?: LoadMetric }): LoadMetric {
  if (budget.metric) return budget.metric;
  const n = budget.name.toLowerCase();
  const p = /(?:^|[^a-z0-9])p(50|90|95|99)(?:$|[^0-9])/.exec(n) ?? /^p(50|90|95|99)/.exec(n);
  if (p) return `p${p[1]}` as PercentileKey;
  if (/median/.test(n)) return 'p50';
  if (/error|fail/.test(n)) return 'error-rate';
  if (/throughput|rps|per-second/.test(n)) return 'throughput';
  if (/request/.test(n)) return 'requests';
  throw new Error(
    `budget "${budget.name}": cannot tell which load metric it limits; name it like p95-latency or error-rate, or set metric`,
  );
}

/** Requests a rate budget needs before "no errors seen" means anything: ⌈3 ÷ value⌉. */
export function requiredSamples(value: number): number {
  if (!(value > 0)) return Number.POSITIVE_INFINITY;
  return Math.ceil(3 / value - 1e-9);
}

function unitOf(metric: LoadMetric, budget: { unit?: string }): string | undefined {
  if (budget.unit) return budget.unit;
  if (metric === 'error-rate') return 'ratio';
  if (metric === 'throughput') return 'req/s';
  if (metric === 'requests') return undefined;
  return 'ms';
}

/** Measures one budget on an observation through the one evaluator. */
export function evaluateLoadBudget(input: LoadBudget, obs: LoadObservation): Measurement {
  const budget = LoadBudget.parse(input);
  const metric = metricOf(budget);
  const scope = budget.endpoint ? obs.endpoints.find((e) => e.endpoint === budget.endpoint) : undefined;
  const spec: BudgetSpec = {
    name: budget.name,
    operator: budget.operator,
    expected: budget.value,
    unit: unitOf(metric, budget),
    minSamples: budget.minSamples,
  };
  if (budget.endpoint && !scope) return evaluate(spec, null, 0);
  const requests = scope ? scope.requests : obs.requests;
  const failed = scope ? scope.failed : obs.failed;
  // Every request failed: nothing was measured; the note says how they failed (500s or no answer).
  const kinds =
    !scope && obs.failures && Object.keys(obs.failures).length ? `: ${describeFailures(obs.failures)}` : '';
  const allFailed = `no data: every request failed${kinds}`;
  if (metric === 'error-rate') {
    const needed = requiredSamples(budget.value);
    if (budget.lowVolume === 'inconclusive') spec.minSamples = Math.max(spec.minSamples ?? 0, needed);
    if (requests > 0 && failed === requests) {
      // Every request failed: the target is down or the profile is wrong; nothing was measured.
      return { ...evaluate(spec, 1, requests), passed: false, outcome: 'no-data', note: allFailed };
    }
    return evaluate(spec, requests > 0 ? failed / requests : null, requests);
  }
  if (metric === 'requests') return evaluate(spec, requests, requests);
  if (metric === 'throughput') {
    const rate = scope ? null : obs.throughput;
    return evaluate(spec, rate, requests);
  }
  const value = scope ? scope.latency[metric] : obs.latency[metric];
  const samples = scope ? scope.latency.count : obs.latencySamples;
  if (requests > 0 && failed === requests) {
    return { ...evaluate(spec, null, 0), samples: requests, note: allFailed };
  }
  return evaluate(spec, value ?? null, value === undefined || value === null ? 0 : samples);
}

/** Every budget, plus k6's own verdict when k6 ran: crossed thresholds are a failure too. */
export function evaluateLoad(budgets: readonly LoadBudget[], obs: LoadObservation): Measurement[] {
  const out = budgets.map((b) => evaluateLoadBudget(b, obs));
  if (obs.engine !== 'autocannon') {
    out.push({
      ...evaluate(
        { name: 'k6-thresholds-crossed', operator: '==', expected: 0 },
        obs.thresholdsCrossed.length,
        obs.requests,
      ),
      ...(obs.thresholdsCrossed.length ? { note: `crossed: ${obs.thresholdsCrossed.join(', ')}` } : {}),
    });
  }
  return out;
}

/** A measurement that could not be judged (no data, inconclusive): errored, not failed. */
export function isUnobserved(m: Measurement): boolean {
  return outcomeOf(m) === 'no-data' || outcomeOf(m) === 'inconclusive';
}

/**
 * The status a set of load measurements gives a check: `failed` when a budget was observed broken
 * (it outranks missing data: a broken rule is known), `errored` when something could not be judged,
 * `passed` only when every measurement passed and there was at least one.
 */
export function loadStatus(measurements: readonly Measurement[]): 'passed' | 'failed' | 'errored' {
  if (measurements.length === 0) return 'errored';
  if (measurements.some((m) => !m.passed && !isUnobserved(m))) return 'failed';
  if (measurements.some((m) => !m.passed)) return 'errored';
  return 'passed';
}
