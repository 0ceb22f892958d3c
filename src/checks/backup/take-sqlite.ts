import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import Database from 'better-sqlite3';
import { ObservationError } from '../errors.ts';
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

/**
 * `VACUUM INTO` runs in one read transaction of the source, so the copy is one consistent snapshot
 * even while the app writes (WAL lets it), includes what is still in the -wal, and comes out as a
 * self-contained rollback-journal file. A bare file copy of a live WAL database would miss the -wal.
 * The rows are counted in the copy: it is that snapshot, by construction.
 */
export async function takeSqlite(sourcePath: string, tmpPath: string): Promise<TakeResult> {
  if (!existsSync(sourcePath)) throw new ObservationError(`source database ${sourcePath} does not exist`);
  let source: Database.Database;
  try {
    source = new Database(sourcePath, { fileMustExist: true, readonly: true });
  } catch (error) {
    throw new ObservationError(`cannot open source database ${sourcePath}: ${(error as Error).message}`);
  }
  let consistentAt: Date;
  try {
    source.pragma('busy_timeout = 10000');
    // Taken just before the snapshot starts: the RPO measured from it errs on the safe side.
    consistentAt = new Date();
    source.prepare('VACUUM INTO ?').run(tmpPath);
  } catch (error) {
    throw new ObservationError(`VACUUM INTO failed on ${sourcePath}: ${(error as Error).message}`);
  } finally {
    source.close();
  }
  const copy = new Database(tmpPath, { fileMustExist: true });
  try {
    return {
      consistentAt,
      consistency: 'VACUUM INTO: one read transaction of the source; rows counted in the copy',
      tables: sqliteRowCounts(copy),
      tool: `SQLite ${copy.prepare('SELECT sqlite_version()').pluck().get()} (better-sqlite3)`,
      source: { database: basename(sourcePath) },
    };
  } finally {
    copy.close();
  }
}
