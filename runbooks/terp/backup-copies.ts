import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ObservationError } from 'rollgate';
import { digestPath, listBackups } from 'rollgate/checks';

/** The backups `rollgate backup --target production` writes for the stand-in. */
export const BACKUP_PATTERN = 'terp-*';

export interface CopiesOutcome {
  /** The newest backup in the local folder, the one the drill restores. */
  backup: string;
  sha256: string;
  /** Locations holding that backup, identical, with its manifest: 2 when the copy is good. */
  locations: number;
  /** Why the second location does not count, one line each. */
  problems: string[];
}

/**
 * Whether the newest local backup is also in `offsite`, byte for byte (its sha256 is the one its
 * manifest records) and with the same manifest. No backup locally, or no usable manifest, is an
 * ObservationError: there is nothing to look for elsewhere.
 */
export async function compareCopies(
  local: string,
  offsite: string,
  pattern = BACKUP_PATTERN,
): Promise<CopiesOutcome> {
  const newest = (await listBackups(local, pattern)).backups[0];
  if (!newest)
    throw new ObservationError(`no backup matching ${pattern} in ${local}: nothing to look for elsewhere`);
  if (!newest.manifest)
    throw new ObservationError(
      `${newest.name} has no usable manifest: ${newest.manifestProblem ?? 'unknown'}`,
    );
  const copy = path.join(offsite, newest.name);
  const problems: string[] = [];
  try {
    const digest = await digestPath(copy);
    if (digest.sha256 !== newest.manifest.sha256)
      problems.push(`${copy}: sha256 ${digest.sha256}, the manifest says ${newest.manifest.sha256}`);
  } catch (error) {
    problems.push(`${copy}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const [mine, theirs] = await Promise.all(
    [newest.path, copy].map((p) => readFile(`${p}.manifest.json`, 'utf8').catch(() => undefined)),
  );
  if (theirs === undefined) problems.push(`${copy}.manifest.json: missing`);
  else if (theirs !== mine) problems.push(`${copy}.manifest.json differs from the local manifest`);
  return {
    backup: newest.name,
    sha256: newest.manifest.sha256,
    locations: problems.length ? 1 : 2,
    problems,
  };
}
