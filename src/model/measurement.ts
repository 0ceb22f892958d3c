import { z } from 'zod';

/** Comparison a budget applies: `actual <operator> expected` must hold. */
export const Operator = z.enum(['<', '<=', '>', '>=', '==', '!=']);
export type Operator = z.infer<typeof Operator>;

/** What a load budget measures. */
export const LoadMetric = z.enum(['p50', 'p90', 'p95', 'p99', 'error-rate', 'requests', 'throughput']);
export type LoadMetric = z.infer<typeof LoadMetric>;

/**
 * How a measurement came out: `pass`; `fail` (observed, and the rule broke); `no-data` (nothing
 * measured, or zero samples); `inconclusive` (observed, but too little to judge). Only `pass` passes.
 */
export const MeasurementOutcome = z.enum(['pass', 'fail', 'no-data', 'inconclusive']);
export type MeasurementOutcome = z.infer<typeof MeasurementOutcome>;

const MeasurementFields = z.object({
  name: z.string().min(1),
  actual: z.union([z.number(), z.string(), z.null()]),
  operator: Operator,
  expected: z.union([z.number(), z.string()]),
  unit: z.string().optional(),
  samples: z.number().int().nonnegative(),
  /** Kept for readers that know only pass or not: always `outcome === 'pass'`. */
  passed: z.boolean(),
  /**
   * Set by the budget evaluator and by whoever builds a measurement by hand. Optional on input
   * only: a measurement without one (a verdict or ledger line written before outcomes existed, a
   * hand-built one) gets it derived when parsed, see {@link deriveOutcome}.
   */
  outcome: MeasurementOutcome.optional(),
  /** Why it came out so, in words, when the comparison alone does not say it (no data, too few samples). */
  note: z.string().optional(),
});
type MeasurementFields = z.infer<typeof MeasurementFields>;

/**
 * The outcome of a measurement that carries none. Its words were the only record of it before
 * outcomes existed, so this is the one place that still reads a note: no value, zero samples or a
 * note starting `no data` is no data; a note starting `inconclusive` is inconclusive.
 */
export function deriveOutcome(
  m: Pick<MeasurementFields, 'passed' | 'actual' | 'samples' | 'note'>,
): MeasurementOutcome {
  if (m.passed) return 'pass';
  if (m.actual === null || m.samples === 0 || m.note?.startsWith('no data')) return 'no-data';
  return m.note?.startsWith('inconclusive') ? 'inconclusive' : 'fail';
}

/** A measurement's outcome, whether it carries one or not (built by hand before it was parsed). */
export function outcomeOf(m: Pick<MeasurementFields, 'passed' | 'actual' | 'samples' | 'note' | 'outcome'>) {
  return m.outcome ?? deriveOutcome(m);
}

/**
 * What a check saw against its budget, and on how much data.
 * `actual` is null when nothing could be measured: such a measurement never passes.
 * Parsed, it always carries an `outcome`; its type leaves it optional so a measurement built by
 * hand without one still type-checks (it is derived when the check is parsed for the verdict).
 */
export const Measurement = MeasurementFields
  // Fail closed even when a measurement is built by hand: no data and zero samples never pass.
  .refine((m) => !(m.passed && m.actual === null), {
    path: ['passed'],
    message: 'is true but actual is null: nothing measured never passes',
  })
  .refine((m) => !(m.passed && m.samples === 0), {
    path: ['passed'],
    message: 'is true on 0 samples: zero samples never pass',
  })
  .refine((m) => m.outcome === undefined || m.passed === (m.outcome === 'pass'), {
    path: ['outcome'],
    message: 'disagrees with passed: passed must be true exactly when outcome is "pass"',
  })
  .transform((m): MeasurementFields => ({ ...m, outcome: outcomeOf(m) }));
export type Measurement = z.output<typeof Measurement>;
