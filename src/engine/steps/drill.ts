import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ageMeasurement } from '../../checks/backup/backup-time.ts';
import { backupHygiene, sweepScratch } from '../../checks/backup/index.ts';
import { ENGINE_OF, readManifest } from '../../checks/backup/manifest.ts';
import type { Scratch } from '../../checks/backup/scratch.ts';
import { sniffFormat, verifyBackup } from '../../checks/backup/verify-backup.ts';
import { evaluate } from '../../checks/budget.ts';
import { globToRegExp } from '../../config/glob.ts';
import type { CheckResult } from '../../model/check-result.ts';
import type { DrillSpec } from '../../model/drill.ts';
import { drillCheck } from '../harness-check.ts';
import type { Store } from '../store/store.ts';
import { backupProvenance, restoredContent } from './drill-provenance.ts';

export interface DrillRun {
  /** Finding and verifying the newest backup, restoring it: errors and failures hold the drill. */
  checks: CheckResult[];
  /** Where the app boots: the restored database's URL. Undefined when no database was restored. */
  restoredUrl?: string;
  /** The folder a directory backup was extracted into (`{restoredDataDir}`). */
  restoredDataDir?: string;
  consistentAt?: Date;
  /** Values to mask (the restore role's throwaway password lives in the URL). */
  secrets: string[];
  cleanup(): Promise<void>;
}

const check = drillCheck;

/**
 * The ids of the checks a drill adds, as a run reports them (here and in drill-provenance.ts);
 * `drill/restore-content` only for a database backup. What `rollgate coverage` resolves drill
 * references against.
 */
export const DRILL_CHECK_IDS = [
  'drill/backup',
  'drill/backup-recorded',
  'drill/backup-hygiene',
  'drill/verify-restore',
  'drill/restore-content',
  'drill/rpo',
  'drill/rto',
] as const;

/** Partial (`.tmp`), empty and manifest files are never "the newest backup". */
export function newestBackup(
  dir: string,
  pattern: string,
): { file?: string; problem?: string; errored?: boolean } {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      problem: `backup directory ${dir} cannot be read (${code ?? (error as Error).message})`,
      errored: code !== 'ENOENT',
    };
  }
  const re = globToRegExp(pattern);
  const candidates = names
    .filter((n) => re.test(n) && !n.endsWith('.tmp') && !n.endsWith('.manifest.json'))
    .map((n) => ({ file: path.join(dir, n), stat: statSync(path.join(dir, n)) }))
    .filter((c) => c.stat.isDirectory() || c.stat.size > 0)
    .sort((a, b) => b.stat.mtimeMs - a.stat.mtimeMs);
  if (!candidates.length)
    return { problem: `no backup in ${dir} matching ${pattern} (partial and empty files do not count)` };
  return { file: candidates[0]!.file };
}

/**
 * The drill's first half: newest backup → verify (checksum, integrity, restore into scratch, row
 * counts, invariants) → keep the restored copy for the app to boot on. The drill never takes the
 * backup it verifies.
 */
export async function prepareDrill(
  spec: DrillSpec,
  o: {
    root: string;
    runId: string;
    env: NodeJS.ProcessEnv;
    now: Date;
    store: Store;
    /** Registers the restored copy's drop the moment it exists, so a later failure still drops it. */
    defer?: (name: string, fn: () => Promise<void>) => void;
  },
): Promise<DrillRun> {
  const run: DrillRun = { checks: [], secrets: [], cleanup: async () => {} };
  // ROLLGATE_BACKUP_DIR points a drill at another folder without editing the runbook (CI, tests).
  const dir = path.resolve(o.root, o.env.ROLLGATE_BACKUP_DIR || spec.backups.dir);
  const newest = newestBackup(dir, spec.backups.pattern);
  if (!newest.file) {
    run.checks.push(
      check('drill/backup', 'newest backup found', {
        status: newest.errored ? 'errored' : 'failed',
        message: newest.problem,
      }),
    );
    return run;
  }
  const rel = path.relative(o.root, newest.file);
  run.checks.push(check('drill/backup', 'newest backup found', { message: rel }));
  // The manifest is checked against the store's record; verification then uses those very bytes.
  const provenance = await backupProvenance(spec, o.store, newest.file);
  run.checks.push(provenance.check);
  const hygiene = await backupHygiene({
    dir,
    pattern: spec.backups.pattern,
    rpoSeconds: Math.round(spec.rpo / 1000),
    maxShrinkPercent: spec.maxShrinkPercent,
    retention: spec.retention,
    now: o.now,
  }).catch((e: Error) => ({ status: 'errored' as const, reason: e.message, measurements: [] }));
  run.checks.push(
    check(
      'drill/backup-hygiene',
      'backups: age within RPO, size not shrinking, manifest checksum, retention',
      {
        status: hygiene.status,
        message: hygiene.reason,
        measurements: hygiene.measurements,
      },
    ),
  );
  const started = performance.now();
  let scratch: Scratch | undefined;
  // Scratch databases of crashed earlier drills (marked, old, their run gone) are swept first.
  await sweepScratch({ postgresUrl: spec.scratch.postgres, mysqlUrl: spec.scratch.mysql }).catch(
    () => undefined,
  );
  const format = await sniffFormat(newest.file).catch(() => undefined);
  const engine = format ? ENGINE_OF[format] : undefined;
  const result = await verifyBackup({
    backup: newest.file,
    scratchUrl:
      o.env.ROLLGATE_SCRATCH_URL ||
      (engine === 'postgres' ? spec.scratch.postgres : engine === 'mysql' ? spec.scratch.mysql : undefined),
    runId: o.runId,
    budgetMs: spec.rto,
    invariants: spec.invariants,
    keepScratch: true,
    ...(provenance.manifest ? { manifest: provenance.manifest } : {}),
  });
  scratch = result.scratch;
  if (scratch) {
    if (scratch.engine === 'files') run.restoredDataDir = scratch.url;
    else {
      run.restoredUrl = scratch.url;
      run.secrets.push(scratch.url);
    }
    run.cleanup = () => scratch!.drop();
    o.defer?.("drop the drill's scratch copy", run.cleanup);
  }
  run.checks.push(
    check(
      'drill/verify-restore',
      `backup verified and restored into scratch (${result.format ?? 'unknown format'})`,
      {
        status: result.status,
        message: `${rel}: ${result.reason}${scratch ? `; ${restoredInto(scratch)}` : ''}`,
        measurements: result.measurements,
        durationMs: Math.round(performance.now() - started),
      },
    ),
  );
  if (result.ok && !scratch) {
    run.checks.push(
      check('drill/verify-restore', 'restored copy kept for the app', {
        status: 'errored',
        message: 'verification passed but left no restored copy to boot on',
      }),
    );
  }
  // Schema and contents beyond row counts, before the app boots on (and writes to) the copy.
  // A directory backup's extracted tree was compared file by file in verification already.
  if (scratch && result.manifest && scratch.engine !== 'files')
    run.checks.push(await restoredContent(result.manifest, scratch));
  try {
    run.consistentAt = new Date((result.manifest ?? (await readManifest(newest.file))).consistentAt);
  } catch {
    // Without a manifest there is no consistent point: RPO is then "no data", which never passes.
  }
  return run;
}

/** What the app boots on, for the drill's messages; never the restore role's password. */
function restoredInto(scratch: Scratch): string {
  if (scratch.engine === 'files') return `restored into ${scratch.name} ({restoredDataDir})`;
  if (scratch.engine === 'sqlite') return `restored into ${scratch.name} ({restoredDatabaseUrl})`;
  return `restored into scratch database ${scratch.name} ({restoredDatabaseUrl})`;
}

/**
 * The drill's verdict on time: RPO is now minus the backup's consistent point; RTO is drill start
 * until the suites (golden paths) passed on the restored app. Both in seconds, named `rpo`/`rto`.
 */
export function drillBudgets(
  spec: DrillSpec,
  run: DrillRun,
  suiteChecks: CheckResult[],
  now: Date,
  elapsedMs: number,
): CheckResult[] {
  const rpoSpec = { name: 'rpo', operator: '<=' as const, expected: Math.round(spec.rpo / 1000), unit: 's' };
  // A consistent point in the future never passes (a negative RPO would, forever).
  const age = run.consistentAt ? ageMeasurement(rpoSpec, run.consistentAt, now) : undefined;
  const rpoS = age ? age.ageS : null;
  const rpo = age?.measurement ?? evaluate(rpoSpec, null, 0);
  const recovered =
    suiteChecks.length > 0 &&
    suiteChecks.every((c) => c.status === 'passed' || (c.status === 'skipped' && c.notApplicable)) &&
    Boolean(run.restoredUrl || run.restoredDataDir);
  const rtoS = recovered ? Math.round(elapsedMs / 1000) : null;
  const rto = evaluate(
    { name: 'rto', operator: '<=', expected: Math.round(spec.rto / 1000), unit: 's' },
    rtoS,
    rtoS === null ? 0 : 1,
  );
  const status = (m: typeof rpo) => (m.passed ? 'passed' : m.actual === null ? 'errored' : 'failed');
  return [
    check('drill/rpo', 'data-loss window (RPO) within budget', {
      status: status(rpo),
      measurements: [rpo],
      message:
        rpoS === null
          ? 'no consistent point: the backup has no valid manifest'
          : (age?.future ?? `backup consistent at ${run.consistentAt!.toISOString()}`),
    }),
    check('drill/rto', 'recovery time (RTO) within budget', {
      status: status(rto),
      measurements: [rto],
      message: recovered
        ? `golden paths passed on the restored app ${rtoS} s after the drill started`
        : 'the app did not recover: golden paths did not all pass on the restored data',
    }),
  ];
}
