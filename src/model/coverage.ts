import { z } from 'zod';
import { SourceItemKind } from './sources.ts';

/**
 * What `rollgate coverage --json` prints: for each line of the documents a runbook records
 * (`sources`), whether a check observes it (automated), a person attests it with a reason
 * (manual), or nothing does yet (missing), and why.
 */

export const CoverageStatus = z.enum(['automated', 'manual', 'missing']);
export type CoverageStatus = z.infer<typeof CoverageStatus>;

/** One check reference of an item, resolved against what the stages run. */
export const CoverageCheck = z.strictObject({
  /** As written in the item. @example 'canary:metrics/error-ratio' */
  ref: z.string(),
  /** The check id without a stage. */
  id: z.string(),
  /** The stages that run it (none: it resolves to nothing). */
  stages: z.array(z.string()),
  title: z.string().optional(),
  /** The check's suite file (runner checks), or what runs it (`built-in`, `metrics`, `load`…). */
  suite: z.string().optional(),
  /** Declared with `placeholder()`: it always errors until written. */
  placeholder: z.boolean(),
  /** Close ids, when it resolves to nothing. */
  closest: z.array(z.string()).optional(),
});
export type CoverageCheck = z.infer<typeof CoverageCheck>;

export const CoverageItem = z.strictObject({
  section: z.string(),
  label: z.string(),
  kind: SourceItemKind,
  status: CoverageStatus,
  /** What encodes it (automated), the sign-off's reason (manual), or what is missing. */
  detail: z.string(),
  checks: z.array(CoverageCheck),
  /**
   * Automated, but every check behind it is advisory in every stage that runs it (a metric check
   * with `advisory: true`, an id matching the stage's `advisory`): it is reported and never holds
   * a stage. Absent otherwise.
   */
  advisoryOnly: z.literal(true).optional(),
  signoff: z
    .strictObject({
      title: z.string(),
      stage: z.string().optional(),
      role: z.string().optional(),
      reason: z.string().optional(),
    })
    .optional(),
});
export type CoverageItem = z.infer<typeof CoverageItem>;

export const CoverageCounts = z.strictObject({
  automated: z.number().int().nonnegative(),
  manual: z.number().int().nonnegative(),
  missing: z.number().int().nonnegative(),
});
export type CoverageCounts = z.infer<typeof CoverageCounts>;

export const CoverageReport = z.strictObject({
  runbook: z.string(),
  /** The runbook file, relative to the current directory. */
  file: z.string(),
  documents: z.array(
    z.strictObject({
      document: z.string(),
      title: z.string().optional(),
      counts: CoverageCounts,
      items: z.array(CoverageItem),
    }),
  ),
  counts: CoverageCounts,
  /** How many checks each stage runs (what references resolve against). */
  stages: z.record(z.string(), z.strictObject({ checks: z.number().int().nonnegative() })),
});
export type CoverageReport = z.infer<typeof CoverageReport>;
