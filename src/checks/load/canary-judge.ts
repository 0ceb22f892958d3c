import type { Measurement } from '../../model/measurement.ts';
import {
  type CompareOptions,
  type Comparison,
  compareBaselineCanary,
  compareErrorRates,
  type ErrorRateComparison,
  formatP,
} from './compare.ts';
import type { InterleavedRun } from './interleaved.ts';
import type { RequestSample } from './observation.ts';
import type { LatencySummary } from './stats.ts';

export interface JudgeOptions {
  confidence?: number;
  tolerance?: CompareOptions['tolerance'];
  /** Largest acceptable rise of the error rate, as a fraction (default 0.005). */
  errorRateDelta?: number;
  minSamples?: number;
}

export interface CanaryJudgement {
  latency: Comparison;
  errors: ErrorRateComparison;
  /** `fail` if either comparison fails, `inconclusive` if either is, `marginal` if either is. */
  result: Comparison['result'];
  measurements: Measurement[];
}

const latencies = (samples: readonly RequestSample[]) =>
  samples.flatMap((s) => (s.latencyMs === null ? [] : [s.latencyMs]));
const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;
const pcts = (s: LatencySummary) =>
  (['p50', 'p90', 'p95', 'p99'] as const)
    .map((k) => `${k} ${s[k] === null ? 'n/a' : round(s[k]!, 2)}`)
    .join(', ');

/**
 * Judges an interleaved run: latency by Mann-Whitney U with a practical tolerance, errors by a
 * two-proportion test. The measurements carry both distributions' percentiles and the p-values
 * in their notes; a marginal result passes but says so, an inconclusive one has no value (errored).
 */
export function judgeCanary(run: InterleavedRun, opts: JudgeOptions = {}): CanaryJudgement {
  const confidence = opts.confidence ?? 0.98;
  const latency = compareBaselineCanary({
    baseline: latencies(run.baseline.samples),
    canary: latencies(run.canary.samples),
    confidence,
    tolerance: opts.tolerance,
    minSamples: opts.minSamples,
  });
  const count = (s: readonly RequestSample[]) => ({
    errors: s.filter((x) => x.failed).length,
    requests: s.length,
  });
  const delta = opts.errorRateDelta ?? 0.005;
  const errors = compareErrorRates({
    baseline: count(run.baseline.samples),
    canary: count(run.canary.samples),
    confidence,
    tolerance: { rateDelta: delta },
    minSamples: opts.minSamples,
  });
  const results = [latency.result, errors.result];
  const result = (['fail', 'inconclusive', 'marginal'] as const).find((r) => results.includes(r)) ?? 'pass';
  const distributions = `baseline ${pcts(latency.baseline)} ms (n=${latency.baseline.count}); canary ${pcts(latency.canary)} ms (n=${latency.canary.count})`;
  const latencyM: Measurement = {
    name: 'canary-latency-vs-baseline',
    actual:
      latency.result === 'inconclusive' || latency.canary.p50 === null ? null : round(latency.canary.p50),
    operator: '<=',
    expected: latency.allowedMedianMs === null ? 0 : round(latency.allowedMedianMs),
    unit: 'ms',
    samples: latency.canary.count,
    passed: latency.result === 'pass' || latency.result === 'marginal',
    outcome: latency.result === 'marginal' ? 'pass' : latency.result,
    note: `${latency.result === 'inconclusive' ? 'inconclusive: ' : ''}${latency.reason}; ${distributions}`,
  };
  const errorsM: Measurement = {
    name: 'canary-error-rate-vs-baseline',
    actual: errors.result === 'inconclusive' || errors.canaryRate === null ? null : errors.canaryRate,
    operator: '<=',
    expected: (errors.baselineRate ?? 0) + delta,
    unit: 'ratio',
    samples: run.canary.samples.length,
    passed: errors.result === 'pass' || errors.result === 'marginal',
    outcome: errors.result === 'marginal' ? 'pass' : errors.result,
    note: `${errors.result === 'inconclusive' ? 'inconclusive: ' : ''}${errors.reason}`,
  };
  return { latency, errors, result, measurements: [latencyM, errorsM] };
}

/** One line for a console or a HOLD message. */
export function describeJudgement(j: CanaryJudgement): string {
  const p = j.latency.pValue === null ? 'p = n/a' : formatP(j.latency.pValue);
  return `canary ${j.result}: latency ${j.latency.result} (${p}), errors ${j.errors.result}`;
}
