import { closeSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { CheckFailure, ObservationError } from '../authoring/errors.ts';

export type DatabaseLocation =
  | { engine: 'sqlite'; file: string; memory: boolean }
  | { engine: 'postgres' | 'mysql'; host: string; database: string };

/**
 * Parses a database URL as apps write them: `sqlite:path`, `sqlite:///abs`, `file.db`, SQLite's URI
 * filenames (`file:data/app.db`, `file:/data/app.db?mode=wal`, `file:///abs`,
 * `file://localhost/abs`, percent-decoded), `postgres://…`, `mysql://…`. In-memory SQLite
 * (`:memory:`, `file::memory:`, `mode=memory`, `vfs=memdb`, an empty name) is reported as such:
 * it is not persistent. A `file:` URL naming another host is refused (SQLite opens none).
 */
export function parseDatabaseUrl(url: string, cwd = process.cwd()): DatabaseLocation {
  const trimmed = url.trim();
  if (/^(postgres|postgresql|mysql|mariadb):\/\//i.test(trimmed)) {
    const u = new URL(trimmed);
    const engine = u.protocol.startsWith('postgres') ? 'postgres' : 'mysql';
    return { engine, host: u.hostname, database: u.pathname.replace(/^\//, '') };
  }
  const uri = /^file:/i.test(trimmed);
  let [file = '', query = ''] = trimmed
    .replace(/^sqlite:(\/\/)?/i, '')
    .replace(/^file:/i, '')
    .split('?', 2);
  if (uri) file = fileUriPath(file);
  const params = new URLSearchParams(query);
  const memory =
    file === ':memory:' || file === '' || params.get('mode') === 'memory' || params.get('vfs') === 'memdb';
  return { engine: 'sqlite', file: memory ? ':memory:' : path.resolve(cwd, file), memory };
}

/** The path of a `file:` URI after `file:`: an empty or `localhost` authority dropped, %-escapes decoded. */
function fileUriPath(rest: string): string {
  let file = rest;
  if (file.startsWith('//')) {
    const slash = file.indexOf('/', 2);
    const authority = file.slice(2, slash === -1 ? undefined : slash);
    if (authority !== '' && authority.toLowerCase() !== 'localhost')
      throw new ObservationError(
        `a file: database URL names the host "${authority}"; SQLite opens local files only (file:///path or file:path)`,
        'ROLLGATE_CONFIG',
      );
    file = slash === -1 ? '' : file.slice(slash);
  }
  try {
    return decodeURIComponent(file);
  } catch {
    throw new ObservationError('the file: database URL has a broken %-escape', 'ROLLGATE_CONFIG');
  }
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
