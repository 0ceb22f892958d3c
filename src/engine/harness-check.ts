import type { CheckResult } from '../model/check-result.ts';

/**
 * A check the engine itself makes (drill steps, sign-offs, windows, stage order): blocking and
 * passed unless `partial` says otherwise, with no runner behind it. A check that does not pass for
 * a reason with a listed code (model/error-codes.ts) carries it in `partial.code`, not its message.
 * @example harnessCheck('drill/backup', 'newest backup found', { suite: 'drill', message: 'backups/x.sqlite' })
 */
export function harnessCheck(
  id: string,
  title: string,
  partial: Partial<CheckResult> & Pick<CheckResult, 'suite'>,
): CheckResult {
  return {
    id,
    title,
    kind: 'harness',
    status: 'passed',
    blocking: true,
    durationMs: 0,
    measurements: [],
    evidence: [],
    retries: 0,
    ...partial,
  };
}

/** A step of the disaster-recovery drill, reported under the suite `drill`. */
export const drillCheck = (id: string, title: string, partial: Partial<CheckResult>): CheckResult =>
  harnessCheck(id, title, { suite: 'drill', ...partial });
