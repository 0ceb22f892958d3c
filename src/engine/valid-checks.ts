import { checkProblems } from '../model/check-problems.ts';
import { CheckKind, CheckResult } from '../model/check-result.ts';
import type { EngineErrorCode } from '../model/error-codes.ts';
import { Evidence } from '../model/evidence.ts';
import { Measurement } from '../model/measurement.ts';

const text = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const nonNegative = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/**
 * A check as the engine assembled it from what a runner wrote: measurements and evidence are still
 * unchecked values until {@link validCheck} parses them.
 */
export type CheckCandidate = Omit<CheckResult, 'measurements' | 'evidence'> & {
  measurements: readonly unknown[];
  evidence: readonly unknown[];
};

/** Prefix of the message of a check whose record the verdict could not hold. */
export const INVALID_RECORD = 'recorded a value the verdict cannot hold';
/** Its code, in place of the check's own: the record is why the check is errored. */
export const INVALID_RECORD_CODE: EngineErrorCode = 'ROLLGATE_INVALID_RECORD';

/**
 * A check that fails the verdict's CheckResult schema (a boolean `actual`, NaN, an unknown
 * operator) becomes an errored check that says which field held what, instead of failing the whole
 * verdict, with the code ROLLGATE_INVALID_RECORD. What is valid in it (identity, other measurements,
 * evidence) is kept as evidence. A valid check comes back parsed: its measurements carry outcomes.
 * @example validCheck(check).message // 'recorded a value the verdict cannot hold: measurement "x": actual must be a number, got boolean true'
 */
export function validCheck(
  check: CheckCandidate,
  index = 0,
  extraProblems: readonly string[] = [],
): CheckResult {
  const parsed = CheckResult.safeParse(check);
  const problems = [...new Set([...extraProblems, ...(parsed.success ? [] : checkProblems(check))])];
  if (parsed.success && problems.length === 0) return parsed.data;
  const c: Record<string, unknown> = { ...check };
  const id = text(c.id) ? c.id : `invalid-check-${index + 1}`;
  const original = text(c.message) ? `\n${c.message}` : '';
  return {
    id,
    title: text(c.title) ? c.title : id,
    suite: text(c.suite) ? c.suite : '(unknown suite)',
    kind: CheckKind.safeParse(c.kind).data ?? 'harness',
    status: 'errored',
    // An unreadable blocking flag counts as blocking: fail closed.
    blocking: typeof c.blocking === 'boolean' ? c.blocking : true,
    durationMs: nonNegative(c.durationMs) ? c.durationMs : 0,
    // The valid ones, parsed: each with its outcome.
    measurements: (Array.isArray(c.measurements) ? c.measurements : []).flatMap((m) => {
      const parsed = Measurement.safeParse(m);
      return parsed.success ? [parsed.data] : [];
    }),
    evidence: (Array.isArray(c.evidence) ? c.evidence : []).filter((e) => Evidence.safeParse(e).success),
    message: `${INVALID_RECORD}: ${problems.join('; ')}${original}`,
    code: INVALID_RECORD_CODE,
    retries: Number.isInteger(c.retries) && nonNegative(c.retries) ? c.retries : 0,
  };
}

/** Every check of a run, each valid for the verdict; see {@link validCheck}. */
export function validChecks(checks: readonly CheckResult[]): CheckResult[] {
  return checks.map((c, i) => validCheck(c, i));
}
