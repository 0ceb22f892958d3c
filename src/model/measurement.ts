import { z } from 'zod';

/** Comparison a budget applies: `actual <operator> expected` must hold. */
export const Operator = z.enum(['<', '<=', '>', '>=', '==', '!=']);
export type Operator = z.infer<typeof Operator>;

/** What a load budget measures. */
export const LoadMetric = z.enum(['p50', 'p90', 'p95', 'p99', 'error-rate', 'requests', 'throughput']);
export type LoadMetric = z.infer<typeof LoadMetric>;

/**
 * What a check saw against its budget, and on how much data.
 * `actual` is null when nothing could be measured: such a measurement never passes.
 */
export const Measurement = z
  .object({
    name: z.string().min(1),
    actual: z.union([z.number(), z.string(), z.null()]),
    operator: Operator,
    expected: z.union([z.number(), z.string()]),
    unit: z.string().optional(),
    samples: z.number().int().nonnegative(),
    passed: z.boolean(),
    /** Why it did not pass when the reason is not the comparison itself (no data, too few samples). */
    note: z.string().optional(),
  })
  // Fail closed even when a measurement is built by hand: no data and zero samples never pass.
  .refine((m) => !(m.passed && m.actual === null), {
    path: ['passed'],
    message: 'is true but actual is null: nothing measured never passes',
  })
  .refine((m) => !(m.passed && m.samples === 0), {
    path: ['passed'],
    message: 'is true on 0 samples: zero samples never pass',
  });
export type Measurement = z.infer<typeof Measurement>;
