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
 * Parses `sqlite:<path>`, `sqlite://<absolute path>`, SQLite's URI filenames `file:<path>` and
 * `file:///<absolute path>` (with a query such as `?mode=wal`, as Prisma-style `DATABASE_URL`s
 * write them: `file:/data/app.db?mode=wal`), a bare `*.sqlite` / `*.db` path,
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

  if (scheme === 'file') return { engine: 'sqlite', path: resolve(cwd, fileUriPath(raw)) };

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
      `unrecognised database URL "${maskDatabaseUrl(raw)}"; expected sqlite:<path>, sqlite:///<absolute path>, file:<path>, ` +
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

/** SQLite URI parameters the demo accepts on a `file:` URL, and the values it accepts. */
const FILE_URI_MODES = new Set(['rw', 'rwc', 'wal']);

/**
 * The file a `file:` URL names, percent-decoded. The authority must be empty or `localhost`
 * (`file:///abs`, `file://localhost/abs`), as SQLite requires. `mode` may be `rw`, `rwc` or `wal`
 * (the demo always writes, and always in WAL); `mode=ro` is refused because the demo writes, and an
 * in-memory database (`file::memory:`, `mode=memory`, `vfs=memdb`) because it is not persistent.
 */
function fileUriPath(raw: string): string {
  const [rest = '', query = ''] = raw.slice('file:'.length).split('?', 2);
  let path = rest;
  if (path.startsWith('//')) {
    const slash = path.indexOf('/', 2);
    const authority = path.slice(2, slash === -1 ? undefined : slash);
    if (authority !== '' && authority.toLowerCase() !== 'localhost')
      throw new DatabaseUrlError(
        `"${raw}": a file: URL names no host ("${authority}"); use file:///absolute/path.db or file:relative/path.db`,
      );
    path = slash === -1 ? '' : path.slice(slash);
  }
  try {
    path = decodeURIComponent(path);
  } catch {
    throw new DatabaseUrlError(`"${raw}": the path has a broken %-escape`);
  }
  const params = new URLSearchParams(query);
  const mode = params.get('mode');
  if (isMemory(path) || mode === 'memory' || params.get('vfs') === 'memdb')
    throw new DatabaseUrlError(
      `"${raw}": in-memory SQLite (:memory:) is refused; the demo needs a persistent database file, ` +
        'e.g. file:.demo-data/demo.db?mode=wal',
    );
  if (mode !== null && !FILE_URI_MODES.has(mode))
    throw new DatabaseUrlError(
      `"${raw}": mode=${mode} is not supported; the demo writes, in WAL mode: use mode=wal, rwc or rw, or leave it out`,
    );
  return path;
}

function isMemory(path: string): boolean {
  // better-sqlite3 also treats an empty filename as a private temporary database.
  return path === '' || path === ':memory:' || path.startsWith('file::memory:');
}
