import path from 'node:path';
import type { CheckResult } from '../../model/check-result.ts';
import { formatDuration } from '../../model/governance.ts';
import { type RunbookGit, summarize, VERDICT_SCHEMA_VERSION, type Verdict } from '../../model/verdict.ts';
import type { WatchOutcome, WatchSpec } from '../../model/watch.ts';
import type { WatchLimits, WatchState } from './watch-policy.ts';

/** One run of the series as an advisory check of the series' verdict, linked to the run's own verdict. */
export function runCheck(v: Verdict, runDir: string, suite: string): CheckResult {
  const w = v.watch!;
  const passed = v.verdict === 'promote';
  const more = v.reasons.length > 3 ? ` (+${v.reasons.length - 3} more)` : '';
  return {
    id: `watch/run-${w.index}`,
    title: `watch run ${w.index} of ${w.of} (${v.runId})`,
    suite,
    kind: 'harness',
    // A run the series' own interruption cut short observed nothing: errored, not failed.
    status: passed ? 'passed' : v.interrupted ? 'errored' : 'failed',
    blocking: false,
    durationMs: v.durationMs,
    measurements: [],
    evidence: [{ name: 'verdict', contentType: 'application/json', path: path.join(runDir, 'verdict.json') }],
    retries: 0,
    message: passed
      ? `PROMOTE, ${v.summary.passed}/${v.summary.total} checks passed`
      : `HOLD: ${v.reasons.slice(0, 3).join('; ')}${more}`,
  };
}

export interface SeriesInput {
  seriesId: string;
  runbook: string;
  stage: string;
  suite: string;
  release: string;
  baseURL: string;
  embedded: boolean;
  spec: WatchSpec;
  limits: WatchLimits;
  state: WatchState;
  outcome: WatchOutcome;
  reason: string;
  runs: CheckResult[];
  startedAt: Date;
  finishedAt: Date;
  interrupted?: string;
  fixedClock: boolean;
  /** The runbook's git revision (see src/engine/runbook-git.ts); absent outside git. */
  runbookGit?: RunbookGit;
}

/**
 * The series' own verdict: one advisory check per run and one blocking `watch/series` check that
 * carries the policy's answer, so the verdict is HOLD exactly when the series did not pass.
 */
export function seriesVerdict(s: SeriesInput): Verdict {
  const { spec, limits, state } = s;
  const csl = limits.consecutiveSuccessLimit;
  const passed = s.outcome === 'passed';
  const series: CheckResult = {
    id: 'watch/series',
    title: `watch every ${formatDuration(spec.interval)} for ${formatDuration(spec.duration)}, failureLimit ${limits.failureLimit}${csl ? `, consecutiveSuccessLimit ${csl}` : ''}`,
    suite: s.suite,
    kind: 'harness',
    status: passed ? 'passed' : s.outcome === 'interrupted' ? 'errored' : 'failed',
    blocking: true,
    durationMs: s.finishedAt.getTime() - s.startedAt.getTime(),
    measurements: [
      {
        name: 'watch-failures',
        actual: state.failures,
        operator: '<=',
        expected: limits.failureLimit,
        samples: state.runs,
        passed: state.runs > 0 && state.failures <= limits.failureLimit,
      },
      ...(csl
        ? [
            {
              name: 'watch-consecutive-passes',
              actual: state.consecutivePasses,
              operator: '>=' as const,
              expected: csl,
              samples: state.runs,
              passed: state.consecutivePasses >= csl,
            },
          ]
        : []),
    ],
    evidence: [],
    retries: 0,
    message: s.reason,
  };
  const checks = [...s.runs, series];
  const heldRuns = s.runs
    .filter((c) => c.status !== 'passed')
    .map((c) => `${c.title.replace(/^watch /, '')}: ${c.message}`);
  return {
    schemaVersion: VERDICT_SCHEMA_VERSION,
    runId: s.seriesId,
    runbook: s.runbook,
    stage: s.stage,
    verdict: passed ? 'promote' : 'hold',
    startedAt: s.startedAt.toISOString(),
    finishedAt: s.finishedAt.toISOString(),
    durationMs: Math.round(s.finishedAt.getTime() - s.startedAt.getTime()),
    target: { baseURL: s.baseURL, version: s.release, embedded: s.embedded },
    checks,
    summary: summarize(checks),
    reasons: passed
      ? []
      : [...(s.interrupted ? [`interrupted: ${s.interrupted}`] : []), s.reason, ...heldRuns],
    interrupted: s.interrupted,
    signoffs: [],
    clock: s.fixedClock ? { fixed: true, now: s.startedAt.toISOString() } : undefined,
    ...(s.runbookGit ? { runbookGit: s.runbookGit } : {}),
    watch: {
      series: s.seriesId,
      of: limits.runs,
      intervalMs: spec.interval,
      result: {
        outcome: s.outcome,
        runs: state.runs,
        failures: state.failures,
        consecutivePasses: state.consecutivePasses,
        failureLimit: limits.failureLimit,
        consecutiveSuccessLimit: csl,
        durationMs: spec.duration,
      },
    },
  };
}
