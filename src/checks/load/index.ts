/**
 * Load budgets: profiles as data, run on k6 (where it exists) or the embedded autocannon engine,
 * judged by the one budget evaluator; baseline-versus-canary comparison; evidence.
 * What a stage with a load profile calls: {@link runLoadProfile}; with a baseline target:
 * {@link runCanaryComparison}; with a summary from elsewhere: {@link ingestK6Summary}.
 */
export { type AutocannonRunOptions, isFailure, runAutocannon, type SampleRun } from './autocannon-run.ts';
export {
  evaluateLoad,
  evaluateLoadBudget,
  isUnobserved,
  LoadBudget,
  LoadMetric,
  loadStatus,
  metricOf,
  requiredSamples,
} from './budgets.ts';
export { type CanaryJudgement, describeJudgement, type JudgeOptions, judgeCanary } from './canary-judge.ts';
export {
  assertLoadPassed,
  type CanaryRunOptions,
  type CanaryRunResult,
  runCanaryComparison,
} from './canary-run.ts';
export { latencyChartSvg } from './chart.ts';
export {
  type Comparison,
  compareBaselineCanary,
  compareErrorRates,
  DEFAULT_TOLERANCE,
  type Judgement,
  type LatencyTolerance,
} from './compare.ts';
export { describeFailures, errorKind, everyRequestFailed, failureCounts } from './failures.ts';
export { assertHostAllowed, assertStageAllowed, isLoopback, LoadRefusedError } from './hosts.ts';
export { type InterleavedOptions, type InterleavedRun, runInterleaved, sliceOrder } from './interleaved.ts';
export { bundleK6Script } from './k6-bundle.ts';
export { readK6Points } from './k6-points.ts';
export { K6_THRESHOLDS_CROSSED, locateK6, runK6 } from './k6-run.ts';
export { profileToK6Script } from './k6-script.ts';
export { parseK6Summary, readK6Summary } from './k6-summary.ts';
export { k6Thresholds, LOAD_SCENARIO, LOAD_SCOPE } from './k6-thresholds.ts';
export { loginCookie } from './login.ts';
export type { EndpointObservation, LoadObservation, RequestSample } from './observation.ts';
export { observeSamples } from './observation.ts';
export { defineLoadProfile, LoadProfile, loadProfileFile, parseLoadProfile } from './profile.ts';
export { assertReachable, LOAD_UNREACHABLE, LoadUnreachableError } from './reachable.ts';
export {
  assertLoadAllowed,
  ingestK6Summary,
  type LoadEngine,
  type LoadRunOptions,
  type LoadRunResult,
  runK6Script,
  runLoadProfile,
} from './run-profile.ts';
export { mannWhitneyU, percentile, summarize, twoProportionZ } from './stats.ts';
export { percentileRows, percentileTable } from './table.ts';
