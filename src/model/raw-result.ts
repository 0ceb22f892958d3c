import { z } from 'zod';
import type { Evidence } from './evidence.ts';
import type { Measurement } from './measurement.ts';

/** What a check carries out of its worker to the engine, besides pass or fail. */
export interface CheckRecord {
  measurements: Measurement[];
  evidence: Evidence[];
  /** Declared not applicable, with the reason: the only skip that passes. */
  notApplicable?: string;
}

/**
 * A CheckRecord as it crosses the process boundary. Its measurements and evidence stay `unknown`
 * here on purpose: a check that recorded a value the verdict cannot hold (a boolean `actual`, NaN)
 * errors that one check with the reason (engine/valid-checks.ts), not the whole runner's results.
 */
export const RawRecord = z.object({
  measurements: z.array(z.unknown()),
  evidence: z.array(z.unknown()),
  notApplicable: z.string().optional(),
});
export type RawRecord = z.infer<typeof RawRecord>;

export const RawTestState = z.enum(['passed', 'failed', 'skipped', 'timedOut', 'interrupted']);

/**
 * One error a runner saw. `code` is the error's own code as a field (an ObservationError's listed
 * code, or a system error's such as ENOENT), never read out of its message.
 */
export const RawError = z.object({
  name: z.string().optional(),
  message: z.string(),
  code: z.string().min(1).optional(),
});
export type RawError = z.infer<typeof RawError>;

/** The codes of a Playwright test's errors, by the error's text (Playwright's reporter gets only text). */
export const RawErrorCodes = z.array(z.object({ message: z.string(), code: z.string().min(1) }));
export type RawErrorCodes = z.infer<typeof RawErrorCodes>;

/** One test as a runner saw it, before the engine turns it into a CheckResult. */
export const RawTest = z.object({
  /**
   * The check's id, computed by the reporter with the plan's identity function (engine/identity.ts)
   * from `file` and `titlePath`; the engine still maps through the plan and errors a mismatch.
   */
  id: z.string().min(1),
  /** Path relative to the project root. */
  file: z.string().min(1),
  /** describe blocks then the test title. */
  titlePath: z.array(z.string()).min(1),
  state: RawTestState,
  flaky: z.boolean(),
  retries: z.number().int().nonnegative(),
  durationMs: z.number(),
  errors: z.array(RawError),
  skipNote: z.string().optional(),
  record: RawRecord.optional(),
  /**
   * What the runner-side reporter found wrong in the record while its values were still live
   * (NaN and Infinity become null in JSON): each makes the check errored with that reason.
   */
  recordProblems: z.array(z.string()).optional(),
});
export type RawTest = z.infer<typeof RawTest>;

export const RunnerKind = z.enum(['vitest', 'playwright']);
export type RunnerKind = z.infer<typeof RunnerKind>;

/** What a runner-side reporter hands to the engine through `ROLLGATE_RAW_FILE`. */
export const RawResults = z.object({
  runner: RunnerKind,
  tests: z.array(RawTest),
  /** Files that failed to load: every check planned in them is errored. */
  moduleErrors: z.array(z.object({ file: z.string(), message: z.string() })),
  /** Errors outside any test (unhandled rejections, global set-up). */
  runErrors: z.array(z.string()),
});
export type RawResults = z.infer<typeof RawResults>;

/**
 * Why `value` is not a RawResults, one `field: problem` per issue (the first `max`), for a reason
 * that names what the reporter got wrong: `tests.0.state: Invalid option: …`.
 */
export function rawResultsProblems(value: unknown, max = 3): string[] {
  const parsed = RawResults.safeParse(value);
  if (parsed.success) return [];
  const all = parsed.error.issues.map(
    (i) => `${i.path.length ? i.path.join('.') : 'the file'}: ${i.message}`,
  );
  return all.length > max ? [...all.slice(0, max), `${all.length - max} more`] : all;
}
