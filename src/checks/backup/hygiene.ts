import { ageMeasurement } from './backup-time.ts';
import { digestPath } from './digest.ts';
import { type BackupEntry, listBackups } from './list-backups.ts';
import { type CheckOutcome, OutcomeBuilder } from './outcome.ts';
import { checkDigest } from './verify-common.ts';

export interface HygieneOptions {
  dir: string;
  /** Glob over file names (`demo-*.sqlite`) or a RegExp. */
  pattern: string | RegExp;
  /** The newest backup's consistent point may be at most this old. */
  rpoSeconds: number;
  /** The newest backup may be at most this much smaller than the previous one. */
  maxShrinkPercent: number;
  /** At least `minCount` backups, the oldest at least `minDays` old (the Paintbox plan keeps 30 days). */
  retention: { minCount: number; minDays: number };
  now?: Date;
  /** How far ahead of `now` a consistent point may lie (clocks differ a little); default 2 minutes. */
  clockSkewMs?: number;
}

export interface HygieneResult extends CheckOutcome {
  newest?: BackupEntry;
  backups: BackupEntry[];
  ignored: { name: string; why: string }[];
}

const DAY_MS = 86_400_000;

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/**
 * Is the backup process healthy? The newest real backup (not `*.tmp`, not empty, matching the
 * pattern) is within the RPO, not much smaller than the one before, matches its manifest's
 * SHA-256, and enough history is kept. No backup at all is `failed`, not `errored`: the folder
 * was read and the backup process broke its rule, so the stage HOLDs as for any broken rule. A
 * folder that cannot be read is `errored`.
 */
export async function backupHygiene(opts: HygieneOptions): Promise<HygieneResult> {
  const out = new OutcomeBuilder();
  const now = opts.now ?? new Date();
  let listing: Awaited<ReturnType<typeof listBackups>>;
  try {
    listing = await listBackups(opts.dir, opts.pattern);
  } catch (error) {
    out.catch(error);
    return { ...out.finish(''), backups: [], ignored: [] };
  }
  const { backups, ignored } = listing;
  const [newest, previous] = backups;
  const rpo = { name: 'backup-age', operator: '<=' as const, expected: opts.rpoSeconds, unit: 's' };
  if (!newest) {
    const skipped =
      ignored.length > 0 ? ` (ignored: ${ignored.map((i) => `${i.name} ${i.why}`).join(', ')})` : '';
    out.measure(rpo, null, `no backup found in ${opts.dir} matching ${String(opts.pattern)}${skipped}`, 0);
    return { ...out.finish(''), backups, ignored };
  }
  if (newest.manifestProblem) out.fail(`${newest.name}: ${newest.manifestProblem}`);
  else checkDigest(out, newest.path, newest.manifest, await digestPath(newest.path));
  // A consistent point in the future is no age: it would pass every RPO, forever if backups stopped.
  const age = ageMeasurement(rpo, newest.at, now, opts.clockSkewMs);
  const ageS = age.ageS;
  out.measurements.push(age.measurement);
  if (age.future) out.fail(`${newest.name}: ${age.future}`);
  else if (!age.measurement.passed)
    out.fail(
      `backup older than RPO: newest backup ${newest.name} is from ${newest.at.toISOString()} (${ageS} s ago), RPO is ${opts.rpoSeconds} s`,
    );
  if (previous) {
    const shrink = round(((previous.sizeBytes - newest.sizeBytes) / previous.sizeBytes) * 100);
    out.measure(
      { name: 'backup-shrink', operator: '<=', expected: opts.maxShrinkPercent, unit: '%' },
      Math.max(0, shrink),
      `backup shrank by ${shrink}%: ${newest.name} is ${newest.sizeBytes} bytes, the previous ${previous.name} ${previous.sizeBytes}; budget ${opts.maxShrinkPercent}%`,
    );
  } else {
    out.notes.push('only one backup: no previous size to compare with');
  }
  out.measure(
    { name: 'backup-count', operator: '>=', expected: opts.retention.minCount },
    backups.length,
    `retention: ${backups.length} backup(s) kept, at least ${opts.retention.minCount} required`,
  );
  const oldest = backups.at(-1)!;
  // Never negative: an oldest point in the future already failed as the newest one's age.
  const spanDays = round(Math.max(0, now.getTime() - oldest.at.getTime()) / DAY_MS, 2);
  out.measure(
    { name: 'backup-history-days', operator: '>=', expected: opts.retention.minDays, unit: 'days' },
    spanDays,
    `retention: the oldest backup ${oldest.name} is ${spanDays} days old, at least ${opts.retention.minDays} days of history required`,
  );
  if (!newest.manifest)
    out.notes.push('age taken from the file time: the newest backup has no usable manifest');
  const summary = `newest backup ${newest.name} is ${ageS} s old, ${backups.length} kept over ${spanDays} days`;
  return { ...out.finish(summary), newest, backups, ignored };
}
