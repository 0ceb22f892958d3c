import { z } from 'zod';

/** A checklist item only a person can attest ("Security team approval"). */
export const SignoffItem = z.strictObject({
  /** @example 'Security team approval' */
  title: z.string().min(1),
  /** Stage whose gate needs it. @example 'production' */
  stage: z.string().min(1),
  /** Who is expected to sign. @example 'security' */
  role: z.string().min(1).optional(),
  /**
   * Why a person signs it rather than a check observing it: what cannot be seen from outside.
   * `rollgate coverage` shows it, and counts a sign-off recorded for a source item without one as missing.
   * @example 'an approval is a decision, not a state of the deployment'
   */
  reason: z.string().min(1).optional(),
});
export type SignoffItem = z.infer<typeof SignoffItem>;

/** An attestation, bound to runbook, stage and release. */
export const Signoff = z.object({
  runbook: z.string(),
  stage: z.string(),
  release: z.string(),
  title: z.string(),
  by: z.string().min(1),
  at: z.string().datetime(),
  note: z.string().optional(),
});
export type Signoff = z.infer<typeof Signoff>;

/** A named person accepting one failing blocking check for one release until a date. */
export const Waiver = z.object({
  runbook: z.string(),
  stage: z.string(),
  release: z.string(),
  checkId: z.string(),
  by: z.string().min(1),
  reason: z.string().min(1),
  at: z.string().datetime(),
  expires: z.string().datetime(),
});
export type Waiver = z.infer<typeof Waiver>;

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export const Weekday = z.enum(DAYS);
export type Weekday = z.infer<typeof Weekday>;
export const WEEKDAYS = DAYS;

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use 24-hour HH:MM, such as 22:00');

/**
 * When a stage may run. A window whose `to` is earlier than `from` crosses midnight and belongs to
 * the day it opens: Tuesday 22:00 to 02:00 includes Wednesday 01:30.
 */
export const DeployWindow = z.strictObject({
  /** Days the window opens. @example ['tue', 'wed', 'thu'] */
  days: z.array(Weekday).min(1),
  /** @example '22:00' */
  from: clock,
  /** @example '02:00' */
  to: clock,
  /** IANA time zone. @example 'America/New_York' */
  timeZone: z.string().refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'is not an IANA time zone such as America/New_York'),
});
export type DeployWindow = z.infer<typeof DeployWindow>;

/** A duration such as `30m`, `24h`, `2d`, as milliseconds. */
export const Duration = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(ms|s|m|h|d)$/, 'use a duration such as 30m, 24h or 2d')
  .transform((s) => {
    const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(s)!;
    const unit = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
    return Math.round(Number(m[1]) * unit);
  });

/** Earlier stages that must have promoted the same release, optionally long enough ago (a soak). */
export const StageRequirement = z.strictObject({
  /** @example 'staging' */
  stage: z.string().min(1),
  /** The PROMOTE must be at least this old. @example '24h' */
  soak: Duration.optional(),
});

export const Requirements = z.strictObject({
  stages: z.array(StageRequirement).default([]),
  /** The last passing drill of this stage must be at most this old (any release). @example { stage: 'dr', within: '7d' } */
  drill: z.strictObject({ stage: z.string().default('dr'), within: Duration }).optional(),
  /**
   * The newest unbroken sequence of passing watch runs of this stage (same release) must span at
   * least `span`: a long soak made of watch series. @example { stage: 'canary', span: '2h' }
   */
  watch: z.strictObject({ stage: z.string().min(1), span: Duration }).optional(),
});
export type Requirements = z.infer<typeof Requirements>;

/** The inverse of Duration, for messages and reports: `30s`, `35m`, `2h`, `1h12m`: whole units, rounded down so a span is never overstated. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.floor(ms))}ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48 || m % 60) return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
  return h % 24 ? `${h}h` : `${h / 24}d`;
}
