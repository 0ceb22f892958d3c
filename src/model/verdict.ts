import { z } from 'zod';
import { CheckResult, CheckStatus } from './check-result.ts';
import { RunOverrides } from './overrides.ts';
import { WatchRecord } from './watch.ts';

export const VERDICT_SCHEMA_VERSION = 1;

export const Summary = z.object(
  Object.fromEntries([
    ...CheckStatus.options.map((s) => [s, z.number().int().nonnegative()]),
    ['total', z.number().int().nonnegative()],
  ]) as Record<CheckStatus | 'total', z.ZodNumber>,
);
export type Summary = Record<CheckStatus | 'total', number>;

/**
 * The git revision of the repository holding the runbook file when the run started: `sha` is
 * `git rev-parse HEAD`, `dirty` is true when the runbook file or its directory had uncommitted
 * changes. Absent when the runbook is not in git.
 */
export const RunbookGit = z.object({
  sha: z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, 'a full git commit id'),
  dirty: z.boolean(),
});
export type RunbookGit = z.infer<typeof RunbookGit>;

/** A sign-off as a verdict records it: who signed which item, when, with what note. */
export const VerdictSignoff = z.object({
  title: z.string(),
  role: z.string().optional(),
  by: z.string(),
  at: z.string(),
  note: z.string().optional(),
});

export const Verdict = z.object({
  schemaVersion: z.literal(VERDICT_SCHEMA_VERSION),
  runId: z.string().min(1),
  runbook: z.string().min(1),
  stage: z.string().min(1),
  verdict: z.enum(['promote', 'hold']),
  startedAt: z.string().datetime(),
  finishedAt: z.string().datetime(),
  durationMs: z.number().nonnegative(),
  target: z.object({ baseURL: z.string(), version: z.string(), embedded: z.boolean() }),
  checks: z.array(CheckResult),
  summary: Summary,
  /** One line each: why the verdict is hold. Empty on promote. */
  reasons: z.array(z.string()),
  /** Set when the run stopped early (deadline, SIGINT, SIGTERM). */
  interrupted: z.string().optional(),
  /** Sign-offs this stage needed and got: who, when, note. */
  signoffs: z.array(VerdictSignoff).default([]),
  /** Set when the gate ran outside its deployment window on purpose: the reason given. */
  windowOverride: z.string().optional(),
  /** What the command line changed for this run: budgets, Playwright timeouts. */
  overrides: RunOverrides.optional(),
  /** Present when the clock was fixed (tests, replays), so nobody mistakes it for wall time. */
  clock: z.object({ fixed: z.literal(true), now: z.string().datetime() }).optional(),
  /** Set when the run belongs to a watch series, or is the series' own verdict. */
  watch: WatchRecord.optional(),
  /** The runbook's git revision (absent outside git): which runbook this verdict judged by. */
  runbookGit: RunbookGit.optional(),
});
export type Verdict = z.infer<typeof Verdict>;

export function summarize(checks: readonly { status: CheckStatus }[]): Summary {
  const summary = Object.fromEntries([...CheckStatus.options, 'total'].map((k) => [k, 0])) as Summary;
  for (const c of checks) summary[c.status] += 1;
  summary.total = checks.length;
  return summary;
}
