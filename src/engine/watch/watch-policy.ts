import { plannedRuns, type WatchOutcome } from '../../model/watch.ts';

/** What judges a series: the Argo Rollouts analysis limits and the runs planned. */
export interface WatchLimits {
  failureLimit: number;
  consecutiveSuccessLimit?: number;
  /** Runs planned for the series (see {@link plannedRuns}). */
  runs: number;
}

export interface WatchState {
  /** Runs finished so far. */
  runs: number;
  passes: number;
  failures: number;
  /** Passing runs in a row, counted back from the newest. */
  consecutivePasses: number;
}

/** `running` until the series has an answer; then its outcome and the one-line reason. */
export type WatchStatus =
  | { done: false }
  | { done: true; outcome: Exclude<WatchOutcome, 'interrupted'>; reason: string };

export const START: WatchState = { runs: 0, passes: 0, failures: 0, consecutivePasses: 0 };

export { plannedRuns };

/** Counts one finished run. */
export function record(state: WatchState, passed: boolean): WatchState {
  return {
    runs: state.runs + 1,
    passes: state.passes + (passed ? 1 : 0),
    failures: state.failures + (passed ? 0 : 1),
    consecutivePasses: passed ? state.consecutivePasses + 1 : 0,
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Whether the series is decided after the runs so far. Fail early: more failures than
 * `failureLimit` holds at once. Pass early: `consecutiveSuccessLimit` passes in a row. When the
 * limit can no longer be reached in the runs left, or the runs are used up without it, the series
 * is inconclusive, which holds (fail closed). Without the limit, finishing every run within
 * `failureLimit` passes, provided the newest run passed.
 */
export function judge(s: WatchState, l: WatchLimits): WatchStatus {
  const csl = l.consecutiveSuccessLimit;
  if (s.failures > l.failureLimit)
    return {
      done: true,
      outcome: 'failed',
      reason: `watch: ${s.failures} of ${plural(s.runs, 'run')} failed, failureLimit ${l.failureLimit}`,
    };
  if (csl !== undefined && s.consecutivePasses >= csl)
    return {
      done: true,
      outcome: 'passed',
      reason: `watch: ${s.consecutivePasses} consecutive passes (consecutiveSuccessLimit ${csl}) after ${plural(s.runs, 'run')}, ${plural(s.failures, 'failure')} (failureLimit ${l.failureLimit})`,
    };
  const left = l.runs - s.runs;
  if (csl !== undefined && (left <= 0 || s.consecutivePasses + left < csl))
    return {
      done: true,
      outcome: 'inconclusive',
      reason:
        left <= 0
          ? `watch: ${s.consecutivePasses} consecutive passes, needed ${csl} (inconclusive after ${s.runs} of ${l.runs} runs)`
          : `watch: ${s.consecutivePasses} consecutive passes, needed ${csl}; ${plural(left, 'run')} left cannot reach it (inconclusive after ${s.runs} of ${l.runs} runs)`,
    };
  // Fail closed beyond Argo: a series whose newest run held ends on a failing deployment, however
  // many failures the limit tolerates (this also holds a series that never passed at all).
  if (left <= 0 && s.consecutivePasses === 0)
    return {
      done: true,
      outcome: 'failed',
      reason: `watch: the newest run failed (${s.failures} of ${plural(s.runs, 'run')} failed, failureLimit ${l.failureLimit})`,
    };
  if (left <= 0)
    return {
      done: true,
      outcome: 'passed',
      reason: `watch: ${s.runs} of ${l.runs} runs, ${plural(s.failures, 'failure')} (failureLimit ${l.failureLimit})`,
    };
  return { done: false };
}

/** The reason of a series stopped from outside (SIGINT, SIGTERM) before it had an answer. */
export function interruptedReason(s: WatchState, l: WatchLimits): string {
  return `watch: stopped after ${s.runs} of ${l.runs} runs, ${plural(s.failures, 'failure')}, before an answer`;
}
