import type { Measurement, Operator } from '../model/measurement.ts';

export interface BudgetSpec {
  name: string;
  operator: Operator;
  expected: number | string;
  unit?: string;
  /** Fewer samples than this is inconclusive and never passes. */
  minSamples?: number;
}

function compare(actual: number | string, op: Operator, expected: number | string): boolean {
  switch (op) {
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case '==':
      return actual === expected;
    case '!=':
      return actual !== expected;
  }
}

/**
 * The one budget evaluator: turns what a check saw into a Measurement. Zero samples, a missing
 * value, NaN or too few samples never pass: no data is not good news.
 * @example evaluate({ name: 'p95', operator: '<=', expected: 500, unit: 'ms' }, 420, 1200).passed // true
 */
export function evaluate(
  spec: BudgetSpec,
  actual: number | string | null | undefined,
  samples: number,
): Measurement {
  const base = {
    name: spec.name,
    operator: spec.operator,
    expected: spec.expected,
    unit: spec.unit,
    samples,
  };
  if (actual === null || actual === undefined || (typeof actual === 'number' && Number.isNaN(actual))) {
    return { ...base, actual: null, passed: false, note: 'no data: nothing was measured' };
  }
  if (samples <= 0) return { ...base, actual, passed: false, note: 'no data: zero samples' };
  if (spec.minSamples !== undefined && samples < spec.minSamples) {
    return {
      ...base,
      actual,
      passed: false,
      note: `inconclusive: ${samples} samples, need at least ${spec.minSamples}`,
    };
  }
  if (typeof actual !== typeof spec.expected) {
    return {
      ...base,
      actual,
      passed: false,
      note: `cannot compare ${typeof actual} with ${typeof spec.expected}`,
    };
  }
  return { ...base, actual, passed: compare(actual, spec.operator, spec.expected) };
}

/** One line a person reads: "p95-latency: 812 ms > 500 ms (1200 samples)". */
export function describeMeasurement(m: Measurement): string {
  const unit = m.unit ? ` ${m.unit}` : '';
  const shown = m.actual === null ? 'no value' : `${m.actual}${unit}`;
  const rule = m.passed
    ? `${m.operator} ${m.expected}${unit}`
    : `violates ${m.operator} ${m.expected}${unit}`;
  const note = m.note ? `; ${m.note}` : '';
  return `${m.name}: ${shown} ${rule} (${m.samples} sample${m.samples === 1 ? '' : 's'}${note})`;
}
