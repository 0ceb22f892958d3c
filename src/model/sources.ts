import { z } from 'zod';

/**
 * The document a runbook was written from, recorded as data: one item per checklist line, metric
 * row, alert threshold, success or rollback criterion, each pointing at what encodes it. The
 * document's text is not copied: an item holds its section and a short label of its own.
 * `rollgate coverage` reads these: automated (checks that exist and are not placeholders),
 * manual (a sign-off that says why it cannot be observed from outside) or missing.
 */

/** What kind of line of the document an item records. */
export const SourceItemKind = z.enum([
  /** A `- [ ]` line. */
  'checkbox',
  /** A row of a metric table ("Error Rate | < 0.1% | > 0.5%"); target and alert are two items. */
  'metric',
  /** An alert threshold ("Error rate > 1% → CRITICAL"). */
  'threshold',
  /** A success criterion. */
  'criterion',
  /** A rollback criterion. */
  'rollback',
  /** A stage or step of the procedure. */
  'step',
]);
export type SourceItemKind = z.infer<typeof SourceItemKind>;

/**
 * A check reference: a check id as the gate reports it (`probes/health-deep`, `metrics/error-ratio`,
 * `security/tls`, `golden-paths/login-works`), optionally in one stage (`canary:metrics/error-ratio`).
 * Without a stage it must exist in at least one stage.
 */
export const CheckRef = z
  .string()
  .regex(
    /^([a-z][a-z0-9-]*:)?[a-z0-9][^\s:]*$/,
    'use a check id such as probes/health-deep, or stage:check-id such as canary:metrics/error-ratio',
  );

export const SourceItem = z
  .strictObject({
    /** The document's section (its heading). @example 'Pre-Deployment Checklist / Code Readiness' */
    section: z.string().min(1),
    /** A short label of the line, in the runbook author's words. @example 'Golden Path E2E tests pass' */
    label: z.string().min(1),
    kind: SourceItemKind.default('checkbox'),
    /** The checks that encode it. @example ['staging:golden-paths/login-works'] */
    checks: z.array(CheckRef).default([]),
    /** Or the title of a `manual()` sign-off that encodes it (the sign-off says why). */
    signoff: z.string().min(1).optional(),
  })
  .refine((i) => !(i.checks.length && i.signoff), {
    message: 'give checks or a signoff, not both: an item is automated or manual',
  });
export type SourceItem = z.infer<typeof SourceItem>;

export const Source = z.strictObject({
  /** The document's file name. @example 'eggshell-production-plan.md' */
  document: z.string().min(1),
  /** @example 'Eggshell Production Deployment Plan' */
  title: z.string().optional(),
  items: z.array(SourceItem).min(1),
});
export type Source = z.infer<typeof Source>;

/** `canary:metrics/error-ratio` → { stage: 'canary', id: 'metrics/error-ratio' }. */
export function parseCheckRef(ref: string): { stage?: string; id: string } {
  const m = /^([a-z][a-z0-9-]*):(.+)$/.exec(ref);
  return m ? { stage: m[1], id: m[2]! } : { id: ref };
}
