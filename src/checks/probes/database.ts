import { closeSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { CheckFailure, ObservationError } from '../authoring/errors.ts';

export type DatabaseLocation =
  | { engine: 'sqlite'; file: string; memory: boolean }
  | { engine: 'postgres' | 'mysql'; host: string; database: string };

/** Parses a database URL as apps write them: `sqlite:path`, `sqlite:///abs`, `file.db`, `postgres://…`, `mysql://…`. */
export function parseDatabaseUrl(url: string, cwd = process.cwd()): DatabaseLocation {
  const trimmed = url.trim();
  if (/^(postgres|postgresql|mysql|mariadb):\/\//i.test(trimmed)) {
    const u = new URL(trimmed);
    const engine = u.protocol.startsWith('postgres') ? 'postgres' : 'mysql';
    return { engine, host: u.hostname, database: u.pathname.replace(/^\//, '') };
  }
  const [file = '', query = ''] = trimmed
    .replace(/^sqlite:(\/\/)?/i, '')
    .replace(/^file:/i, '')
    .split('?');
  const memory = file === ':memory:' || file === '' || /(^|&)mode=memory(&|$)/.test(query);
  return { engine: 'sqlite', file: memory ? ':memory:' : path.resolve(cwd, file), memory };
}

/**
 * Reads SQLite's journal mode from the file header (bytes 18-19 are 2 in WAL mode) without
 * opening the database: opening even read-only could create a -shm beside a live database.
 */
export function sqliteJournalMode(file: string): 'wal' | 'rollback' {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw new ObservationError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  try {
    const header = Buffer.alloc(100);
    const n = readSync(fd, header, 0, 100, 0);
    if (n < 100 || header.toString('latin1', 0, 15) !== 'SQLite format 3') {
      throw new CheckFailure(`${file} is not an SQLite database (header not found)`);
    }
    return header[18] === 2 && header[19] === 2 ? 'wal' : 'rollback';
  } finally {
    closeSync(fd);
  }
}
