import type { Measurement, MeasurementOutcome, Operator } from '../model/measurement.ts';

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
 * The one budget evaluator: turns what a check saw into a Measurement with its outcome. A missing
 * value, NaN or zero samples is `no-data`; fewer samples than `minSamples` is `inconclusive`;
 * neither ever passes: no data is not good news.
 * @example evaluate({ name: 'p95', operator: '<=', expected: 500, unit: 'ms' }, 420, 1200).outcome // 'pass'
 */
export function evaluate(
  spec: BudgetSpec,
  actual: number | string | null | undefined,
  samples: number,
): Measurement & { outcome: MeasurementOutcome } {
  const base = {
    name: spec.name,
    operator: spec.operator,
    expected: spec.expected,
    unit: spec.unit,
    samples,
  };
  const not = (outcome: Exclude<MeasurementOutcome, 'pass'>) => ({ passed: false, outcome });
  if (actual === null || actual === undefined || (typeof actual === 'number' && Number.isNaN(actual))) {
    return { ...base, actual: null, ...not('no-data'), note: 'no data: nothing was measured' };
  }
  if (samples <= 0) return { ...base, actual, ...not('no-data'), note: 'no data: zero samples' };
  if (spec.minSamples !== undefined && samples < spec.minSamples) {
    return {
      ...base,
      actual,
      ...not('inconclusive'),
      note: `inconclusive: ${samples} samples, need at least ${spec.minSamples}`,
    };
  }
  if (typeof actual !== typeof spec.expected) {
    // Kept a failure, as before outcomes: measure() refuses such a value before it gets here.
    return {
      ...base,
      actual,
      ...not('fail'),
      note: `cannot compare ${typeof actual} with ${typeof spec.expected}`,
    };
  }
  const passed = compare(actual, spec.operator, spec.expected);
  return { ...base, actual, passed, outcome: passed ? 'pass' : 'fail' };
}

/** A computed number without float noise: 0.30000000000000004 → 0.3 (10 significant digits). */
const noiseFree = (v: number) => Number(v.toPrecision(10));

/**
 * A measured number as a person reads it (verdict.json keeps the raw value): milliseconds to 2
 * decimals (0.35386399999999996 → 0.35; below 0.1, 2 significant digits: 0.0981 → 0.098), anything else to 4
 * significant digits and at least 2 decimals (an error rate of 0.0033333 → 0.003333). Integers and
 * strings are shown as they are.
 */
export function displayNumber(v: number | string, unit?: string): string {
  if (typeof v !== 'number' || Number.isInteger(v) || !Number.isFinite(v)) return String(v);
  const magnitude = Math.floor(Math.log10(Math.abs(v)));
  const decimals = unit === 'ms' ? Math.max(2, 1 - magnitude) : Math.max(2, 3 - magnitude);
  return String(Number(v.toFixed(Math.min(decimals, 20))));
}

/** The actual value shown: rounded, unless rounding would make it read as on the other side of the rule. */
function shownActual(m: Measurement): string {
  const { actual, operator, expected, unit } = m;
  if (typeof actual !== 'number' || typeof expected !== 'number') return displayNumber(actual ?? '', unit);
  const shown = displayNumber(actual, unit);
  const same = compare(Number(shown), operator, expected) === compare(actual, operator, expected);
  return same ? shown : String(noiseFree(actual));
}

/** One line a person reads: "p95-latency: 812 ms > 500 ms (1200 samples)"; numbers rounded for reading. */
export function describeMeasurement(m: Measurement): string {
  const unit = m.unit ? ` ${m.unit}` : '';
  const shown = m.actual === null ? 'no value' : `${shownActual(m)}${unit}`;
  const expected = typeof m.expected === 'number' ? noiseFree(m.expected) : m.expected;
  // Too little data to judge is not a violation: a reader of "0 violates <= 0" is misled.
  const verb = m.passed
    ? ''
    : m.outcome === 'inconclusive' || m.outcome === 'no-data'
      ? 'not judged: '
      : 'violates ';
  const rule = `${verb}${m.operator} ${expected}${unit}`;
  const note = m.note ? `; ${m.note}` : '';
  return `${m.name}: ${shown} ${rule} (${m.samples} sample${m.samples === 1 ? '' : 's'}${note})`;
}
