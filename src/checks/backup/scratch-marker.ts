import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** Scratch databases (PostgreSQL) and schemas (MariaDB) are named with this prefix, and only they. */
export const SCRATCH_PREFIX = 'rollgate_scratch_';
/** The restricted role/user that restores into one scratch database. */
export const RESTORE_ROLE_PREFIX = 'rollgate_restore_';
/** MariaDB keeps the marker in a table inside the scratch schema. */
export const MARKER_TABLE = '_rollgate_scratch';

export interface ScratchMarker {
  runId: string;
  pid: number;
  host: string;
  /** ISO time the scratch database was created. */
  at: string;
}

export interface ScratchNames {
  /** `<run>_<random>`: shared by the database and its role. */
  id: string;
  database: string;
  role: string;
  marker: ScratchMarker;
}

/** The readable run part of scratch names: lower-case, `_` for anything else, at most 24 characters. */
export function scratchRunTag(runId: string): string {
  return (
    runId
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_|_$/g, '')
      .slice(0, 24) || 'run'
  );
}

/**
 * Unique names for one scratch restore. The run id is kept readable (lower-case, `_`, at most 24
 * characters) and a random suffix keeps two verifications of one run apart; every name stays well
 * under PostgreSQL's 63 and MariaDB's 64-character limits.
 */
export function scratchNames(runId = process.env.ROLLGATE_RUN_ID ?? 'local'): ScratchNames {
  const run = scratchRunTag(runId);
  const id = `${run}_${randomBytes(4).toString('hex')}`;
  return {
    id,
    database: SCRATCH_PREFIX + id,
    role: RESTORE_ROLE_PREFIX + id,
    marker: { runId: run, pid: process.pid, host: hostname(), at: new Date().toISOString() },
  };
}

export function markerText(m: ScratchMarker): string {
  return `rollgate-scratch run=${m.runId} pid=${m.pid} host=${m.host} at=${m.at}`;
}

export function parseMarker(text: string | null | undefined): ScratchMarker | undefined {
  const m = /^rollgate-scratch run=(\S+) pid=(\d+) host=(\S+) at=(\S+)$/.exec(text?.trim() ?? '');
  if (!m || Number.isNaN(Date.parse(m[4]!))) return undefined;
  return { runId: m[1]!, pid: Number(m[2]), host: m[3]!, at: m[4]! };
}

/** Is a process with this pid running on this host? EPERM means it exists but is not ours. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the sweeper may drop a scratch database: marked by rollgate, older than `olderThanMs`,
 * created on this host by a process that is gone. Anything else is kept, with the reason.
 */
export function sweepDecision(
  marker: ScratchMarker | undefined,
  opts: { now: Date; olderThanMs: number; host: string; alive?: (pid: number) => boolean },
): { drop: true } | { drop: false; why: string } {
  if (!marker) return { drop: false, why: 'no rollgate marker' };
  const ageMs = opts.now.getTime() - Date.parse(marker.at);
  if (ageMs < opts.olderThanMs) return { drop: false, why: `younger than ${opts.olderThanMs} ms` };
  if (marker.host !== opts.host)
    return { drop: false, why: `created on host ${marker.host}: cannot tell if its run is alive` };
  if ((opts.alive ?? processAlive)(marker.pid))
    return { drop: false, why: `its run is still alive (pid ${marker.pid})` };
  return { drop: true };
}
