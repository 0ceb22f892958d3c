import type { Evidence } from '../../model/evidence.ts';
import type { Measurement, Operator } from '../../model/measurement.ts';
import type { CheckApi } from '../authoring/check-api.ts';
import { CheckFailure } from '../authoring/errors.ts';

/**
 * One rule a response was held to: which header or rule, what was seen, what is expected. A rule
 * that does not apply here (HSTS on plain HTTP) says why instead of passing silently.
 */
export interface RuleResult {
  /** The header or rule, e.g. `X-Content-Type-Options` or `CSP script-src`. */
  rule: string;
  passed: boolean;
  /** What the target sent; `(absent)` when nothing was sent. */
  seen: string | number;
  /** What the rule wants, in words a reviewer reads. */
  expected: string | number;
  /** Comparison shown in the measurement; `==` (matches the expected rule) unless numeric. */
  operator?: Operator;
  /** Why a failing rule failed when `seen` alone does not say it. */
  reason?: string;
  /** Set when the rule does not apply to this target, with the reason; such a rule never fails. */
  notApplicable?: string;
}

/** What a check of the library returns: rule results, as measurements, plus the evidence. */
export interface Assessment {
  /** A short name of what was assessed, used in the failure message (e.g. `security headers`). */
  subject: string;
  rules: RuleResult[];
  measurements: Measurement[];
  evidence: Evidence[];
}

export const ABSENT = '(absent)';

/** A rule result as a measurement: the rule is the name, seen/expected are actual/expected. */
export function ruleMeasurement(r: RuleResult): Measurement {
  const m: Measurement = {
    name: r.rule,
    actual: r.seen,
    operator: r.operator ?? '==',
    expected: r.expected,
    samples: 1,
    passed: r.passed,
    outcome: r.passed ? 'pass' : 'fail',
  };
  if (r.reason) m.note = r.reason;
  return m;
}

/** "X-Frame-Options: seen (absent); expected DENY or SAMEORIGIN (…)". */
export function describeRule(r: RuleResult): string {
  const why = r.reason ? ` (${r.reason})` : '';
  const op = r.operator && r.operator !== '==' ? `${r.operator} ` : '';
  return `${r.rule}: seen ${r.seen}${why}; expected ${op}${r.expected}`;
}

export function failedRules(a: Assessment): RuleResult[] {
  return a.rules.filter((r) => !r.notApplicable && !r.passed);
}

/** Builds an assessment whose measurements are its applicable rules, in order. */
export function assessment(subject: string, rules: RuleResult[], evidence: Evidence[] = []): Assessment {
  const measurements = rules.filter((r) => !r.notApplicable).map(ruleMeasurement);
  return { subject, rules, measurements, evidence };
}

/** The failure message: every broken rule, one per line, so no second run is needed to see the rest. */
export function failureMessage(a: Assessment): string | undefined {
  const failed = failedRules(a);
  if (failed.length === 0) return undefined;
  const head = `${a.subject}: ${failed.length} rule${failed.length === 1 ? '' : 's'} broken`;
  return [head, ...failed.map((r) => `- ${describeRule(r)}`)].join('\n');
}

/**
 * Reports an assessment through a check's API: records its measurements and evidence, notes the
 * rules that do not apply, then fails (CheckFailure) naming each broken rule. When no rule applies
 * at all, the check is not applicable, with the reasons, where the API can say so.
 */
export function report(
  api: Pick<CheckApi, 'record' | 'attach'> & { notApplicable?: (reason: string) => never },
  a: Assessment,
): void {
  for (const m of a.measurements) api.record(m);
  for (const e of a.evidence)
    api.attach(e.name, e.contentType, e.path ? { path: e.path } : { body: e.body ?? '' });
  const na = a.rules.filter((r) => r.notApplicable);
  if (na.length > 0) {
    api.attach('not applicable', 'text/plain', {
      body: na.map((r) => `${r.rule}: ${r.notApplicable}`).join('\n'),
    });
  }
  const message = failureMessage(a);
  if (message) throw new CheckFailure(message);
  if (a.rules.length > 0 && na.length === a.rules.length && api.notApplicable) {
    api.notApplicable(na.map((r) => `${r.rule}: ${r.notApplicable}`).join('; '));
  }
}

/**
 * One assessment from several (the same policy on several pages), each rule and evidence labelled
 * with where it was seen, so a single failure names every broken rule on every page.
 */
export function combine(
  subject: string,
  parts: ReadonlyArray<readonly [label: string, a: Assessment]>,
): Assessment {
  const rules = parts.flatMap(([label, a]) => a.rules.map((r) => ({ ...r, rule: `${label} ${r.rule}` })));
  const evidence = parts.flatMap(([label, a]) =>
    a.evidence.map((e) => ({ ...e, name: `${label} ${e.name}` })),
  );
  return assessment(subject, rules, evidence);
}
