import { ADVISORY } from '../checks/probes/security-headers.ts';
import type { Measurement } from '../model/measurement.ts';

/**
 * Whether a measurement is a rule the policy holds as advisory and that is broken (its note starts
 * `advisory:`): it passes, so the check passes, but the rule is not met.
 */
export const isAdvisoryMiss = (m: Measurement): boolean => m.note?.startsWith(`${ADVISORY}:`) ?? false;

/** "/login Referrer-Policy: seen (absent); expected one of no-referrer, …": what was seen against what the rule asks. */
export function describeAdvisoryMiss(m: Measurement): string {
  const op = m.operator !== '==' ? `${m.operator} ` : '';
  return `${m.name}: seen ${m.actual ?? 'no value'}; expected ${op}${m.expected}`;
}
