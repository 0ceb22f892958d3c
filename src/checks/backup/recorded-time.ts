import { ObservationError } from '../authoring/errors.ts';
import { runVerifyTool } from './run-tool.ts';

/**
 * The time a backup records about itself. Both formats that record one write the local wall-clock
 * time of the machine that ran the dump, without its zone: pg_dump's archive header (the moment
 * pg_dump started) and mariadb-dump's trailer `-- Dump completed on …` (the moment it ended). It is
 * read in `timeZone` (default: this process's, `TZ`), as pg_restore itself reads the header.
 */
export interface RecordedTime {
  at: Date;
  /** "the pg_dump archive was created" / "mariadb-dump completed the dump". */
  what: string;
  /** The wall-clock text the backup holds, and the zone it was read in. */
  local: string;
  timeZone: string;
}

export function defaultTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Offset of `zone` from UTC at instant `t`, in milliseconds (Intl knows every IANA zone's rules). */
function offsetMs(zone: string, t: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(t));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return wall - Math.floor(t / 1000) * 1000;
}

/** A wall-clock time in `zone` as an instant (a DST gap or overlap resolves to one of its readings). */
export function zonedTime(wall: string, zone: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T]+(\d{1,2}):(\d{2}):(\d{2})$/.exec(wall.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const asUtc = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
  try {
    const first = asUtc - offsetMs(zone, asUtc);
    return new Date(asUtc - offsetMs(zone, first));
  } catch {
    throw new ObservationError(
      `unknown time zone "${zone}": set TZ to an IANA zone (e.g. Europe/Berlin) to read backup times`,
    );
  }
}

/** For reasons: how the local time was read, and what to do when the dump ran in another zone. */
export function recordedTimeText(r: RecordedTime): string {
  return ` (it records local time ${r.local}, read in ${r.timeZone}; if the backup was taken in another time zone, run with TZ set to that zone)`;
}

const DUMP_COMPLETED = /^-- Dump completed on (\d{4}-\d{2}-\d{2}\s+\d{1,2}:\d{2}:\d{2})\s*$/;

/** mariadb-dump's trailer line, `-- Dump completed on 2026-11-30  5:50:15`, as an instant. */
export function mariadbCompleted(
  trailer: string | undefined,
  timeZone = defaultTimeZone(),
): RecordedTime | undefined {
  const local = trailer && DUMP_COMPLETED.exec(trailer.trim())?.[1]?.replace(/\s+/, ' ');
  const at = local ? zonedTime(local, timeZone) : undefined;
  return at && local ? { at, what: 'mariadb-dump completed the dump', local, timeZone } : undefined;
}

const ARCHIVE_CREATED = /^;\s+Archive created at (\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}:\d{2})/;

/**
 * The creation time in a pg_dump custom or directory archive's header, from `pg_restore --list`
 * (its table of contents only: fast). pg_restore runs with TZ=UTC so it prints the stored wall
 * time unchanged; that time is then read in `timeZone`. Undefined when the header has none.
 */
export async function pgArchiveCreated(
  backup: string,
  signal?: AbortSignal,
  timeZone = defaultTimeZone(),
): Promise<RecordedTime | undefined> {
  let local: string | undefined;
  const result = await runVerifyTool('pg_restore', ['--list', backup], {
    env: { TZ: 'UTC' },
    signal,
    onLine: (line) => {
      local ??= ARCHIVE_CREATED.exec(line)?.[1];
    },
  });
  if (result.exitCode !== 0 || !local) return undefined;
  const at = zonedTime(local, timeZone);
  return at ? { at, what: 'the pg_dump archive was created', local, timeZone } : undefined;
}
