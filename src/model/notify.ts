import { z } from 'zod';

/**
 * What a webhook is told about: a `promote`, a `hold`, or a `drill-failed` (the HOLD of a stage
 * that declares a `drill`; a drill stage's HOLD is only that, never also a `hold`).
 */
export const NotifyOn = z.enum(['hold', 'drill-failed', 'promote']);
export type NotifyOn = z.infer<typeof NotifyOn>;

const URL_IS_SECRET =
  "a webhook URL is a secret and is never written in the runbook: put it in an environment variable (for example SLACK_WEBHOOK_URL) and name that variable with urlEnv: 'SLACK_WEBHOOK_URL'";

/** A Slack-compatible incoming webhook (any endpoint taking `{ text, blocks }` JSON). */
export const Webhook = z.strictObject({
  /** Named in warnings and in the line saying who was told. @example 'ops' */
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes'),
  /**
   * The environment variable holding the webhook's URL. The URL is a secret: its value is masked in
   * every output, report and message, and it is read only when the message is sent.
   * @example 'SLACK_WEBHOOK_URL'
   */
  urlEnv: z
    .string()
    .regex(
      /^[A-Z_][A-Z0-9_]*$/,
      `must name an environment variable such as SLACK_WEBHOOK_URL, never hold the URL itself (${URL_IS_SECRET})`,
    ),
  /**
   * Refused: the URL belongs in the environment variable `urlEnv` names.
   * @example undefined
   */
  url: z.never({ error: URL_IS_SECRET }).optional(),
  /** Which verdicts are posted. @example ['hold', 'drill-failed', 'promote'] */
  on: z.array(NotifyOn).min(1).default(['hold', 'drill-failed']),
  /** Only these stages' verdicts; all stages when absent. @example ['canary', 'dr'] */
  stages: z.array(z.string().min(1)).min(1).optional(),
  /** Time for one attempt; a failed or timed-out attempt is retried once. @example 10000 */
  timeoutMs: z.number().int().positive().max(120_000).default(10_000),
});
export type Webhook = z.infer<typeof Webhook>;

/** Where verdicts are posted once recorded. A webhook that fails never changes a verdict. */
export const Notify = z.strictObject({
  /** @example [{ name: 'ops', urlEnv: 'SLACK_WEBHOOK_URL', on: ['hold', 'drill-failed'] }] */
  webhooks: z.array(Webhook).min(1),
});
export type Notify = z.infer<typeof Notify>;

/** Cross-field rules: webhook names are unique, and the stages a webhook names exist. */
export function addNotifyIssues(
  rb: { notify?: Notify; stages: Record<string, unknown> },
  ctx: z.RefinementCtx,
): void {
  const seen = new Set<string>();
  rb.notify?.webhooks.forEach((w, i) => {
    if (seen.has(w.name))
      ctx.addIssue({
        code: 'custom',
        path: ['notify', 'webhooks', i, 'name'],
        message: `"${w.name}" is declared twice; give each webhook its own name`,
      });
    seen.add(w.name);
    w.stages?.forEach((s, j) => {
      if (!(s in rb.stages))
        ctx.addIssue({
          code: 'custom',
          path: ['notify', 'webhooks', i, 'stages', j],
          message: `names stage "${s}", which is not declared; use one of: ${Object.keys(rb.stages).join(', ')}`,
        });
    });
  });
}
