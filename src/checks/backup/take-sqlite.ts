import { existsSync, statSync } from 'node:fs';
import { copyFile, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ObservationError } from '../authoring/errors.ts';
import { sqliteDigests, sqliteInventory } from './inventory-sqlite.ts';
import { Database } from './sqlite-driver.ts';
import type { TakeResult } from './take-types.ts';

/** Row counts of every user table of an open SQLite database. */
export function sqliteRowCounts(db: Database.Database): Record<string, number> {
  const tables = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  const counts: Record<string, number> = {};
  for (const t of tables) {
    counts[t] = Number(
      db
        .prepare(`SELECT count(*) FROM "${t.replaceAll('"', '""')}"`)
        .pluck()
        .get(),
    );
  }
  return counts;
}

/** Bytes 18-19 of the header are 2 in WAL mode, 1 in rollback-journal mode. */
async function isWal(path: string): Promise<boolean> {
  const fd = await open(path, 'r');
  try {
    const buf = Buffer.alloc(20);
    await fd.read(buf, 0, 20, 0);
    return buf[18] === 2;
  } finally {
    await fd.close();
  }
}

/** Identity and last change of a file, to the nanosecond. */
function fileState(path: string): string {
  const s = statSync(path, { bigint: true });
  return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
}

/** `VACUUM INTO` from a read-only connection: one read transaction, so one consistent snapshot. */
function vacuumInto(from: string, to: string): void {
  let db: Database.Database;
  try {
    db = new Database(from, { fileMustExist: true, readonly: true });
  } catch (error) {
    throw new ObservationError(`cannot open source database ${from}: ${(error as Error).message}`);
  }
  try {
    db.pragma('busy_timeout = 10000');
    db.prepare('VACUUM INTO ?').run(to);
  } catch (error) {
    throw new ObservationError(`VACUUM INTO failed on ${from}: ${(error as Error).message}`);
  } finally {
    db.close();
  }
}

/**
 * A WAL database nobody has open has no -wal beside it, and any connection to it, even read-only,
 * would create a -wal and a -shm there and leave them. So it is copied as plain bytes into a
 * private folder and snapshotted from that copy, provided nothing touched it meanwhile (no -wal
 * appeared, the file is unchanged to the nanosecond). Returns false when something did: a live
 * connection now owns the -wal, and reading the source directly adds nothing of ours.
 */
async function snapshotQuiescentWal(source: string, to: string): Promise<boolean> {
  const before = fileState(source);
  const staging = await mkdtemp(join(tmpdir(), 'rollgate-take-'));
  try {
    const copy = join(staging, basename(source));
    await copyFile(source, copy);
    if (existsSync(`${source}-wal`) || fileState(source) !== before) return false;
    vacuumInto(copy, to);
    return true;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * `VACUUM INTO` runs in one read transaction of the source, so the copy is one consistent snapshot
 * even while the app writes (WAL lets it), includes what is still in the -wal, and comes out as a
 * self-contained rollback-journal file. A bare file copy of a live WAL database would miss the -wal.
 * Read-only on the source: no schema, no seeding, no journal-mode change, and no -wal/-shm left
 * beside a database that had none. Rows, schema inventory and content digests are read from the
 * copy: it is that snapshot, by construction.
 */
export async function takeSqlite(sourcePath: string, tmpPath: string): Promise<TakeResult> {
  if (!existsSync(sourcePath)) throw new ObservationError(`source database ${sourcePath} does not exist`);
  // Taken just before the snapshot starts: the RPO measured from it errs on the safe side.
  const consistentAt = new Date();
  let how = 'VACUUM INTO: one read transaction of the source';
  const quiescent = (await isWal(sourcePath).catch(() => false)) && !existsSync(`${sourcePath}-wal`);
  if (quiescent && (await snapshotQuiescentWal(sourcePath, tmpPath))) {
    how = 'WAL database with no open connection: copied unchanged, then VACUUM INTO from that copy';
  } else vacuumInto(sourcePath, tmpPath);
  const copy = new Database(tmpPath, { fileMustExist: true, readonly: true });
  try {
    return {
      consistentAt,
      consistency: `${how}; rows, schema and content digests read from the copy`,
      tables: sqliteRowCounts(copy),
      inventory: sqliteInventory(copy),
      contentDigests: sqliteDigests(copy),
      tool: `SQLite ${copy.prepare('SELECT sqlite_version()').pluck().get()} (better-sqlite3)`,
      source: { database: basename(sourcePath) },
    };
  } finally {
    copy.close();
  }
}
