import type { Evidence } from '../../model/evidence.ts';
import type { Measurement } from '../../model/measurement.ts';
import { CheckFailure, ObservationError } from '../authoring/errors.ts';
import { describeMeasurement } from '../budget.ts';
import { evaluateLoad, isUnobserved, type LoadBudget, loadStatus } from './budgets.ts';
import { type CanaryJudgement, type JudgeOptions, judgeCanary } from './canary-judge.ts';
import { latencyChartSvg } from './chart.ts';
import { type InterleavedRun, runInterleaved } from './interleaved.ts';
import type { LoadProfile } from './profile.ts';
import { assertLoadAllowed } from './run-profile.ts';
import { percentileTable } from './table.ts';

export interface CanaryRunOptions {
  profile: LoadProfile;
  baselineURL: string;
  canaryURL: string;
  stage: string;
  /** Budgets judged on the canary's own samples too (p95, error rate…). */
  budgets?: readonly LoadBudget[];
  sliceMs?: number;
  slices?: number;
  judge?: JudgeOptions;
  env?: Record<string, string | undefined>;
  runbookHosts?: readonly string[];
  /** See InterleavedOptions.beforeTraffic. */
  beforeTraffic?: () => Promise<void>;
}

export interface CanaryRunResult {
  run: InterleavedRun;
  judgement: CanaryJudgement;
  /** The comparison's two measurements, then the budgets on the canary. */
  measurements: Measurement[];
  status: 'passed' | 'failed' | 'errored';
  evidence: Evidence[];
}

const latencies = (run: InterleavedRun['baseline']) =>
  run.samples.flatMap((s) => (s.latencyMs === null ? [] : [s.latencyMs]));

/**
 * A stage with a baseline: the same profile against baseline and canary, interleaved, judged by
 * the comparison and by the budgets on the canary, with a chart of both distributions and a
 * per-endpoint percentile table as evidence.
 */
export async function runCanaryComparison(opts: CanaryRunOptions): Promise<CanaryRunResult> {
  assertLoadAllowed(opts.profile, {
    stage: opts.stage,
    urls: [opts.baselineURL, opts.canaryURL],
    runbookHosts: opts.runbookHosts,
  });
  const run = await runInterleaved({
    baselineURL: opts.baselineURL,
    canaryURL: opts.canaryURL,
    profile: opts.profile,
    sliceMs: opts.sliceMs,
    slices: opts.slices,
    env: opts.env,
    runbookHosts: opts.runbookHosts,
    beforeTraffic: opts.beforeTraffic,
  });
  const judgement = judgeCanary(run, opts.judge);
  const measurements = [
    ...judgement.measurements,
    ...evaluateLoad(opts.budgets ?? [], run.canary.observation),
  ];
  const evidence: Evidence[] = [
    {
      name: 'latency-baseline-vs-canary.svg',
      contentType: 'image/svg+xml',
      body: latencyChartSvg({
        baseline: latencies(run.baseline),
        canary: latencies(run.canary),
        title: `Latency, baseline vs canary (${judgement.result})`,
      }),
    },
    {
      name: 'percentiles-baseline-vs-canary.md',
      contentType: 'text/markdown',
      body: percentileTable({ baseline: run.baseline.observation, canary: run.canary.observation }),
    },
  ];
  return { run, judgement, measurements, status: loadStatus(measurements), evidence };
}

/**
 * For a check body: stops unless every measurement passed. A broken budget is a CheckFailure
 * (failed); no data, too few samples or an inconclusive comparison is an ObservationError
 * (errored). Both HOLD; the message lists every measurement that did not pass.
 */
export function assertLoadPassed(measurements: readonly Measurement[]): void {
  const status = loadStatus(measurements);
  if (status === 'passed') return;
  const broken = measurements.filter((m) => !m.passed);
  if (status === 'failed') {
    throw new CheckFailure(
      broken
        .filter((m) => !isUnobserved(m))
        .map(describeMeasurement)
        .join('\n'),
    );
  }
  throw new ObservationError(
    broken.map(describeMeasurement).join('\n') || 'no load measurements',
    'ROLLGATE_NO_DATA',
  );
}
