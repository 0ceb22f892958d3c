import type { z } from 'zod';
import { CheckResult } from './check-result.ts';
import { Measurement, MeasurementOutcome, Operator } from './measurement.ts';

/**
 * Why a value fails the verdict's schema, in words a release manager reads: which field, what it
 * must be, what it was (`measurement "x": actual must be a number, got boolean true`). The engine
 * turns such a check into an errored one instead of losing the whole verdict to it.
 */

/** A value as a reason names it: `boolean true`, `NaN`, `string "abc"`, `nothing`. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isFinite(v) ? `number ${v}` : String(v);
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v)}`;
  if (typeof v === 'boolean' || typeof v === 'bigint') return `${typeof v} ${String(v)}`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return typeof v === 'object' ? 'an object' : typeof v;
}

function at(value: unknown, path: readonly PropertyKey[]): unknown {
  let v = value;
  for (const k of path)
    v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

/** What each measurement field must be; `actual` follows the type of `expected`. */
function mustBe(field: string, m: Record<string, unknown>, got: unknown): string | undefined {
  switch (field) {
    case 'actual': {
      const finite = typeof got === 'number' ? 'a finite number' : 'a number';
      if (typeof m.expected === 'string') return 'a string';
      return typeof m.expected === 'number' ? finite : `${finite}, a string or null`;
    }
    case 'expected':
      return 'a finite number or a string';
    case 'operator':
      return `one of ${Operator.options.join(', ')}`;
    case 'name':
      return 'a non-empty string';
    case 'samples':
      return 'a whole number of 0 or more';
    case 'passed':
      return 'true or false';
    case 'outcome':
      return `one of ${MeasurementOutcome.options.join(', ')}`;
    case 'unit':
    case 'note':
      return 'a string';
    default:
      return undefined;
  }
}

function measurementLine(m: unknown, index: number, rest: readonly PropertyKey[], issue: z.core.$ZodIssue) {
  const rec = (m !== null && typeof m === 'object' ? m : {}) as Record<string, unknown>;
  const label =
    typeof rec.name === 'string' && rec.name ? `measurement "${rec.name}"` : `measurement ${index + 1}`;
  if (rest.length === 0) return `${label} must be an object, got ${describeValue(m)}`;
  const field = String(rest[0]);
  const got = at(m, rest);
  // Refinements (no data that passed) carry their own words.
  const want = issue.code === 'custom' ? undefined : mustBe(field, rec, got);
  return want
    ? `${label}: ${field} must be ${want}, got ${describeValue(got)}`
    : `${label}: ${rest.map(String).join('.')} ${issue.message}`;
}

function lines(
  value: unknown,
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[],
): string[] {
  const out = issues.map((issue) => {
    const p = [...prefix, ...issue.path];
    if (p[0] === 'measurements' && typeof p[1] === 'number')
      return measurementLine(at(value, p.slice(0, 2)), p[1], p.slice(2), issue);
    const field = p.length ? p.map(String).join('.') : 'the check';
    return `${field}: ${issue.message}, got ${describeValue(at(value, p))}`;
  });
  return [...new Set(out)];
}

/** Every reason a check fails the verdict's CheckResult schema; empty when it is valid. */
export function checkProblems(check: unknown): string[] {
  const parsed = CheckResult.safeParse(check);
  return parsed.success ? [] : lines(check, parsed.error.issues, []);
}

/** Every reason one measurement fails the schema, named like `measurement "x": …` (or by position). */
export function measurementProblems(m: unknown, index = 0): string[] {
  const parsed = Measurement.safeParse(m);
  if (parsed.success) return [];
  const holder = { measurements: Object.assign([], { [index]: m }) };
  return lines(holder, parsed.error.issues, ['measurements', index]);
}
