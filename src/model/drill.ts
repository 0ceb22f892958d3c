import { z } from 'zod';
import { Duration } from './governance.ts';

/** A query whose answer on restored data must equal `expect` ("every estimate has line items"). */
export const DrillInvariant = z.strictObject({
  name: z.string().min(1),
  sql: z.string().min(1),
  expect: z.union([z.number(), z.string(), z.boolean(), z.null()]),
});

/**
 * A disaster-recovery drill: the newest backup is verified, restored into scratch, the stage's
 * target boots on it (its embedded env may use `{restoredDatabaseUrl}`), the suites run against it,
 * and recovery time (RTO) and data-loss window (RPO) are measured against their budgets.
 */
export const DrillSpec = z.strictObject({
  /** Where backups live; partial (`*.tmp`) and empty files are never "the newest". @example { dir: '.demo-data/backups', pattern: 'demo-*' } */
  backups: z.strictObject({ dir: z.string().min(1), pattern: z.string().default('*') }),
  /** Data-loss budget: now minus the backup's consistent point. Default 1 hour. @example '1h' */
  rpo: Duration.default(3600e3),
  /** Recovery budget: drill start until the golden paths passed on the restored app. Default 30 minutes. @example '30m' */
  rto: Duration.default(1800e3),
  /**
   * Admin URLs of the servers PostgreSQL and MariaDB backups are restored on (scratch databases are
   * created there and dropped afterwards); `ROLLGATE_SCRATCH_URL` overrides for any engine.
   * @example { postgres: 'postgres://postgres@127.0.0.1:5432/postgres', mysql: 'mysql://root@127.0.0.1:3306/mysql' }
   */
  scratch: z.strictObject({ postgres: z.string().optional(), mysql: z.string().optional() }).default({}),
  invariants: z.array(DrillInvariant).default([]),
  /** Backup hygiene: at least `minCount` backups spanning `minDays` (the Paintbox plan keeps 30 days). */
  retention: z
    .strictObject({ minCount: z.number().int().min(1), minDays: z.number().min(0) })
    .default({ minCount: 1, minDays: 0 }),
  /** The newest backup may be at most this much smaller than the previous one. */
  maxShrinkPercent: z.number().min(0).max(100).default(50),
  /**
   * A backup whose manifest digest is not recorded in rollgate's store (taken by another tool, not
   * by `demo:backup`/`takeBackup` with a record) HOLDs the drill: a manifest cannot vouch for
   * itself. `true` accepts such backups on their manifest alone; the verdict says so. A manifest
   * that differs from its record HOLDs whatever this says.
   * @example true
   */
  acceptUnrecorded: z.boolean().default(false),
});
export type DrillSpec = z.infer<typeof DrillSpec>;
