import { z } from 'zod';
import { Duration } from './governance.ts';

/**
 * Repeat the stage's checks every `interval` for `duration` (a watch series), judged like an
 * Argo Rollouts analysis: more than `failureLimit` failed runs holds at once; with
 * `consecutiveSuccessLimit`, that many passes in a row promotes at once, and not reaching it by
 * the end is inconclusive (hold).
 */
export const WatchSpec = z.strictObject({
  /** Time between the starts of two runs; a run that takes longer delays the next one. @example '1m' */
  interval: Duration.refine((ms) => ms > 0, 'must be longer than zero'),
  /** How long to watch: runs start at 0, interval, 2×interval… until one starts at or after it. @example '2h' */
  duration: Duration.refine((ms) => ms > 0, 'must be longer than zero'),
  /** Failed runs tolerated; one more holds the stage at once. @example 1 */
  failureLimit: z.number().int().min(0).default(0),
  /** Passing runs in a row that promote the stage at once; not reached by the end holds. @example 5 */
  consecutiveSuccessLimit: z.number().int().min(1).optional(),
});
/** Durations are milliseconds once parsed. */
export type WatchSpec = z.infer<typeof WatchSpec>;

export const WatchOutcome = z.enum(['passed', 'failed', 'inconclusive', 'interrupted']);
export type WatchOutcome = z.infer<typeof WatchOutcome>;

/**
 * Marks a verdict and its ledger line as part of a watch series: a run (`index` set) or the
 * series' own verdict (`result` set).
 */
export const WatchRecord = z.object({
  /** Run id of the series' own verdict. */
  series: z.string().min(1),
  /** 1-based position of this run in the series; absent on the series' verdict. */
  index: z.number().int().positive().optional(),
  /** Runs planned for the series. */
  of: z.number().int().positive(),
  /** The series' interval in ms: a longer pause between two runs breaks a span of watch runs. */
  intervalMs: z.number().int().positive(),
  /** On the series' verdict: how it ended. */
  result: z
    .object({
      outcome: WatchOutcome,
      runs: z.number().int().nonnegative(),
      failures: z.number().int().nonnegative(),
      consecutivePasses: z.number().int().nonnegative(),
      failureLimit: z.number().int().nonnegative(),
      consecutiveSuccessLimit: z.number().int().positive().optional(),
      durationMs: z.number().int().positive(),
    })
    .optional(),
});
export type WatchRecord = z.infer<typeof WatchRecord>;

/**
 * Runs start at 0, interval, 2×interval… and the last one starts at or after `duration`, so a
 * series always covers at least its duration (a 2 h watch every minute is 121 runs).
 */
export function plannedRuns(intervalMs: number, durationMs: number): number {
  return Math.ceil(durationMs / intervalMs) + 1;
}
