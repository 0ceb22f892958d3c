import { isAbsolute, resolve } from 'node:path';

/**
 * The one place that maps a database URL to an engine; `open-store.ts` opens the matching store.
 */
export type DatabaseTarget =
  | { engine: 'sqlite'; path: string }
  | { engine: 'postgres'; url: string }
  | { engine: 'mysql'; url: string };

export class DatabaseUrlError extends Error {
  readonly code = 'DEMO_DATABASE_URL';
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseUrlError';
  }
}

/** Hides the password of a URL so it can be shown in errors: `postgres://app:***@db/app`. */
export function maskDatabaseUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}

const BARE_SQLITE_FILE = /\.(sqlite3?|db)$/i;

/**
 * Parses `sqlite:<path>`, `sqlite://<absolute path>`, a bare `*.sqlite` / `*.db` path,
 * `postgres://…` / `postgresql://…` and `mysql://…` / `mariadb://…`.
 * Relative SQLite paths are resolved against `cwd`.
 */
export function parseDatabaseUrl(url: string, cwd = process.cwd()): DatabaseTarget {
  const raw = url.trim();
  if (raw === '')
    throw new DatabaseUrlError('database URL is empty; expected e.g. sqlite:.demo-data/demo.sqlite');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1]?.toLowerCase();

  if (scheme === 'postgres' || scheme === 'postgresql') return { engine: 'postgres', url: raw };
  if (scheme === 'mysql' || scheme === 'mariadb') return { engine: 'mysql', url: raw };

  let path: string;
  if (scheme === 'sqlite') {
    path = raw.slice('sqlite:'.length);
    if (path.startsWith('//')) {
      path = path.slice(2);
      if (!isAbsolute(path) && !isMemory(path)) {
        throw new DatabaseUrlError(
          `"${raw}": sqlite:// needs an absolute path (sqlite:///var/data/app.sqlite); ` +
            'use sqlite:relative/app.sqlite for a path relative to the working directory',
        );
      }
    }
  } else if (raw === ':memory:' || BARE_SQLITE_FILE.test(raw)) {
    path = raw;
  } else {
    throw new DatabaseUrlError(
      `unrecognised database URL "${maskDatabaseUrl(raw)}"; expected sqlite:<path>, sqlite:///<absolute path>, ` +
        'a *.sqlite or *.db file, postgres://… or mysql://…',
    );
  }

  path = path.split('?')[0] ?? '';
  if (isMemory(path) || /[?&]mode=memory\b/.test(raw)) {
    // An in-memory database dies with the process: backups, restores and the DR drill would all
    // "pass" against data that never existed on disk.
    throw new DatabaseUrlError(
      `"${raw}": in-memory SQLite (:memory:) is refused; the demo needs a persistent database file, ` +
        'e.g. sqlite:.demo-data/demo.sqlite',
    );
  }
  return { engine: 'sqlite', path: resolve(cwd, path) };
}

function isMemory(path: string): boolean {
  // better-sqlite3 also treats an empty filename as a private temporary database.
  return path === '' || path === ':memory:' || path.startsWith('file::memory:');
}
