import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { ObservationError } from '../authoring/errors.ts';

/**
 * better-sqlite3, loaded on first use. It is an optional dependency with a native build: a gate of
 * an HTTP app never needs it, and an install that skipped its build script (npm 12 does, for
 * packages not listed in `allowScripts`) must still run every check that does not read SQLite.
 * Every use in rollgate goes through this module; nothing imports better-sqlite3 directly.
 */

export const SQLITE_DRIVER_MISSING = 'ROLLGATE_SQLITE_DRIVER_MISSING';

type Driver = typeof BetterSqlite3;
const require = createRequire(import.meta.url);
let loaded: Driver | undefined;

/** The driver, with its native addon loaded (better-sqlite3 loads it on the first open). */
export function sqliteDriver(): Driver {
  if (loaded) return loaded;
  let driver: Driver;
  try {
    driver = require('better-sqlite3') as Driver;
    new driver(':memory:').close();
  } catch (error) {
    throw new ObservationError(
      `SQLite backups need better-sqlite3, which is not installed or not built (${firstLine(error)}). ` +
        'Fix: add "allowScripts": {"better-sqlite3": true} to package.json, run `npm install better-sqlite3`, ' +
        'then `npm rebuild better-sqlite3`.',
      SQLITE_DRIVER_MISSING,
    );
  }
  loaded = driver;
  return driver;
}

/** Why it failed, in one line: `Cannot find package 'better-sqlite3'…`, or its addon was never built. */
function firstLine(error: unknown): string {
  const line = String((error as Error)?.message ?? error).split('\n')[0]!;
  return line.startsWith('Could not locate the bindings file') ? 'its native addon was never built' : line;
}

/** Whether an error is the driver missing (an error of the environment, never a verdict on a backup). */
export function isSqliteDriverMissing(error: unknown): boolean {
  return error instanceof ObservationError && error.code === SQLITE_DRIVER_MISSING;
}

/**
 * `new Database(file, options)` as with better-sqlite3's own constructor, loading the driver
 * first; `Database.Database` is its connection type, so call sites read as with the direct import.
 */
export const Database = function open(file: string, options?: BetterSqlite3.Options) {
  const Driver = sqliteDriver();
  return new Driver(file, options);
} as unknown as new (
  file: string,
  options?: BetterSqlite3.Options,
) => BetterSqlite3.Database;

export declare namespace Database {
  type Database = BetterSqlite3.Database;
  type Options = BetterSqlite3.Options;
}
