import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Measurement } from '../../model/measurement.ts';
import { type BudgetSpec, evaluate } from '../budget.ts';
import type { BackupManifest } from './manifest.ts';
import type { OutcomeBuilder } from './outcome.ts';
import { type RecordedTime, recordedTimeText } from './recorded-time.ts';

/**
 * Time is evidence, not a claim. A manifest's consistent point decides backup age and RPO, so it is
 * checked against the clock (never in the future beyond a small skew between machines), against
 * the file holding the backup (the data cannot be newer than the file) and against what the backup
 * itself records where its format records a time (pg_dump's archive header, mariadb-dump's
 * trailer). A disagreement fails with both times in the reason.
 */

/** Clocks of the backup host and the drill's may differ this much (NTP keeps them far closer). */
export const CLOCK_SKEW_MS = 120_000;

const iso = (d: Date) => d.toISOString();
const seconds = (ms: number) => Math.round(ms / 1000);

/**
 * The age of a consistent point at `now`, as a measurement against `spec` (seconds). A point ahead
 * of `now` by more than the skew is no age at all: the measurement never passes and `future` says
 * why (a negative age would pass every "at most" budget, forever if backups stopped). Within the
 * skew the age is 0.
 * @example ageMeasurement({ name: 'rpo', operator: '<=', expected: 3600, unit: 's' }, at, new Date())
 */
export function ageMeasurement(
  spec: BudgetSpec,
  consistentAt: Date,
  now: Date,
  skewMs = CLOCK_SKEW_MS,
): { measurement: Measurement; ageS: number; future?: string } {
  const ageMs = now.getTime() - consistentAt.getTime();
  if (ageMs >= -skewMs) {
    const ageS = Math.max(0, seconds(ageMs));
    return { measurement: evaluate(spec, ageS, 1), ageS };
  }
  const ageS = seconds(ageMs);
  const future = `consistent point in the future: manifest says consistent at ${iso(consistentAt)} but the clock here says ${iso(now)} (${-ageS} s earlier, beyond the ${seconds(skewMs)} s clock-skew tolerance); a backup cannot be from the future: check the manifest and both machines' clocks`;
  return {
    measurement: {
      ...evaluate(spec, ageS, 1),
      passed: false,
      outcome: 'fail',
      note: 'consistent point in the future',
    },
    ageS,
    future,
  };
}

/** The latest modification time of a file, or of a folder and everything in it (pg-directory). */
export async function lastWritten(path: string): Promise<Date> {
  const s = await stat(path);
  let latest = s.mtimeMs;
  if (s.isDirectory()) {
    for (const e of await readdir(path, { withFileTypes: true })) {
      const t = e.isDirectory()
        ? (await lastWritten(join(path, e.name))).getTime()
        : (await stat(join(path, e.name))).mtimeMs;
      latest = Math.max(latest, t);
    }
  }
  // File times are nanoseconds: round, since a float of milliseconds can land a hair under the
  // millisecond that was set (utimes(…, 1796018811.106) reads back as …811105.9998).
  return new Date(Math.round(latest));
}

export interface TimeEvidence {
  backup: string;
  manifest: BackupManifest;
  /** What the backup itself records, where its format records a time. */
  recorded?: RecordedTime;
  skewMs?: number;
}

/**
 * Cross-checks the manifest's consistent point with the backup's own times; each disagreement
 * beyond the skew fails with both times. Measurements in seconds, so a pass shows the margins.
 */
export async function checkTimeEvidence(out: OutcomeBuilder, e: TimeEvidence): Promise<void> {
  const skewMs = e.skewMs ?? CLOCK_SKEW_MS;
  const skewS = seconds(skewMs);
  const at = new Date(e.manifest.consistentAt);
  const said = `manifest says consistent at ${iso(at)}`;
  const written = await lastWritten(e.backup);
  out.measure(
    { name: 'consistent-after-last-write', operator: '<=', expected: skewS, unit: 's' },
    seconds(at.getTime() - written.getTime()),
    `${said} but ${basename(e.backup)} was last written at ${iso(written)}: the data cannot be newer than the file holding it`,
  );
  if (!e.recorded) return;
  const r = e.recorded;
  out.measure(
    { name: 'consistent-after-recorded', operator: '<=', expected: skewS, unit: 's' },
    seconds(at.getTime() - r.at.getTime()),
    `${said} but ${r.what} at ${iso(r.at)}${recordedTimeText(r)}`,
  );
  // The recorded time falls within the backup: after the consistent point, before it finished.
  const finished = new Date(Math.max(Date.parse(e.manifest.finishedAt), at.getTime()));
  out.measure(
    { name: 'recorded-after-finished', operator: '<=', expected: skewS, unit: 's' },
    seconds(r.at.getTime() - finished.getTime()),
    `${said} (finished at ${iso(finished)}) but ${r.what} at ${iso(r.at)}, after the backup finished: the manifest's time is far earlier than the backup's own${recordedTimeText(r)}`,
  );
}
