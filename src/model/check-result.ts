import { z } from 'zod';
import { Evidence } from './evidence.ts';
import { Measurement } from './measurement.ts';

/**
 * passed; failed = observed and a rule broke; errored = could not observe;
 * skipped = declared not applicable (with a reason); flaky = passed on retry; waived = accepted by a person.
 */
export const CheckStatus = z.enum(['passed', 'failed', 'errored', 'skipped', 'flaky', 'waived']);
export type CheckStatus = z.infer<typeof CheckStatus>;

/** Who ran the check: a runner, the load step, a person, the engine itself, a built-in check, or a metric check. */
export const CheckKind = z.enum(['vitest', 'playwright', 'load', 'manual', 'harness', 'builtin', 'metrics']);
export type CheckKind = z.infer<typeof CheckKind>;

export const CheckResult = z.object({
  id: z.string().min(1),
  title: z.string().min(1),
  suite: z.string().min(1),
  kind: CheckKind,
  status: CheckStatus,
  blocking: z.boolean(),
  durationMs: z.number().nonnegative(),
  measurements: z.array(Measurement),
  evidence: z.array(Evidence),
  message: z.string().optional(),
  /**
   * The error code of why it did not pass, as a field: the first runner error's own code (a listed
   * `ROLLGATE_…` code, see error-codes.ts, or a system error's such as ENOENT), or the code the
   * engine set on a check it made. Reaches verdict.json, JUnit (`type`) and Allure (`code`).
   */
  code: z.string().min(1).optional(),
  /** Set on skipped checks: why the check does not apply. */
  notApplicable: z.string().optional(),
  retries: z.number().int().nonnegative().default(0),
  /** Set on waived checks: who accepted the failure, why, and until when. */
  waiver: z.object({ by: z.string(), reason: z.string(), expires: z.string(), at: z.string() }).optional(),
});
export type CheckResult = z.infer<typeof CheckResult>;

/** A check the engine expects a stage to run, known before anything runs. */
export interface PlannedCheck {
  id: string;
  title: string;
  suite: string;
  kind: CheckKind;
  blocking: boolean;
}
