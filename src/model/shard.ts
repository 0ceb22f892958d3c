import { z } from 'zod';
import { CheckKind, CheckResult } from './check-result.ts';
import { RunOverrides } from './overrides.ts';
import { VerdictSignoff } from './verdict.ts';

/** More machines than this for one stage is a typo (`--shard 1/200` for `1/20`), not a plan. */
export const MAX_SHARDS = 64;

/** The file a shard run writes in its folder; `rollgate merge` reads it. */
export const SHARD_RESULT_FILE = 'shard.json';

export const SHARD_SCHEMA_VERSION = 1;

/** `--shard 2/3`: this machine runs the second of three parts of the stage's golden paths. */
export const ShardSpec = z
  .strictObject({
    index: z.number().int().min(1),
    total: z.number().int().min(2).max(MAX_SHARDS),
  })
  .refine((s) => s.index <= s.total, { message: 'index must be between 1 and total' });
export type ShardSpec = z.infer<typeof ShardSpec>;

/** A Playwright check Playwright assigned to a shard, as the plan knows it before anything runs. */
export const ShardPlannedCheck = z.object({
  id: z.string().min(1),
  title: z.string().min(1),
  suite: z.string().min(1),
  kind: CheckKind,
  blocking: z.boolean(),
});

/**
 * What one shard of a sharded gate leaves for `rollgate merge` (`shard.json` in its folder): a
 * partial result, never a verdict. Shard 1 runs the whole stage but for the golden paths other
 * shards were assigned; any other shard runs only its share of the golden paths. Evidence paths
 * inside the shard's folder are written relative to it, so the folder can be moved (a CI artifact
 * downloaded elsewhere) and merged there.
 */
export const ShardResult = z.object({
  schemaVersion: z.literal(SHARD_SCHEMA_VERSION),
  runId: z.string().min(1),
  runbook: z.string().min(1),
  stage: z.string().min(1),
  release: z.string().min(1),
  shard: ShardSpec,
  startedAt: z.string().datetime(),
  finishedAt: z.string().datetime(),
  target: z.object({ baseURL: z.string(), embedded: z.boolean() }),
  /** The Playwright checks Playwright gave this shard (`playwright test --list --shard i/n`). */
  planned: z.array(ShardPlannedCheck),
  /** Every check the shard ran, before waivers (the merge applies them once, from its store). */
  checks: z.array(CheckResult),
  /** Shard 1 only: sign-offs, the deployment window and the stage order, as the run judged them. */
  governance: z
    .object({
      checks: z.array(CheckResult),
      signoffs: z.array(VerdictSignoff),
      windowOverride: z.string().optional(),
    })
    .optional(),
  /** Why the shard stopped early (deadline, SIGINT, SIGTERM). */
  interrupted: z.string().optional(),
  /** Budgets and Playwright timeouts the command line changed; every shard must have the same. */
  overrides: RunOverrides.optional(),
  clock: z.object({ fixed: z.literal(true), now: z.string().datetime() }).optional(),
  /** Playwright's blob report of this shard, relative to the shard's folder. */
  blob: z.string().optional(),
  /** The runbook's git revision, when the run recorded one. */
  runbookGit: z.object({ sha: z.string(), dirty: z.boolean() }).optional(),
  /** Whether this shard's own blocking checks all passed (exit 0) and, if not, why (exit 1). */
  outcome: z.enum(['passed', 'failed']),
  reasons: z.array(z.string()),
});
export type ShardResult = z.infer<typeof ShardResult>;
