import { statSync } from 'node:fs';
import type { Measurement } from '../../model/measurement.ts';
import { ObservationError } from '../authoring/errors.ts';
import { type BudgetSpec, evaluate } from '../budget.ts';
import { type DatabaseLocation, parseDatabaseUrl, sqliteJournalMode } from './database.ts';

export const MISSING_SECRETS: BudgetSpec = { name: 'missing-secrets', operator: '==', expected: 0 };
export const DATABASE_PERSISTENT: BudgetSpec = {
  name: 'database-persistent',
  operator: '==',
  expected: 'yes',
};
export const JOURNAL_MODE: BudgetSpec = { name: 'journal-mode', operator: '==', expected: 'wal' };

/**
 * Which of the named variables are set. Names only: a value is tested for presence and never
 * copied, so nothing here can print it.
 * @example secretsPresent(['SESSION_SECRET']).measurement.passed
 */
export function secretsPresent(
  names: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): { present: string[]; missing: string[]; measurement: Measurement } {
  const missing = names.filter((n) => !env[n]?.trim());
  const present = names.filter((n) => !missing.includes(n));
  const measurement = evaluate(MISSING_SECRETS, missing.length, names.length);
  return { present, missing, measurement };
}

/** Where a database lives, said without its credentials. */
export function describeLocation(db: DatabaseLocation): string {
  return db.engine === 'sqlite'
    ? `sqlite file ${db.file}`
    : `${db.engine} database "${db.database}" on ${db.host}`;
}

/**
 * Is the database persistent: a server, or an SQLite file that exists (not `:memory:`, which loses
 * every record on restart)? `name` is the variable the URL came from, shown instead of the URL.
 */
export function databasePersistence(
  url: string,
  name: string,
  cwd = process.cwd(),
): { persistent: boolean; location: string; problem?: string } {
  const db = parseDatabaseUrl(url, cwd);
  const location = describeLocation(db);
  if (db.engine !== 'sqlite') return { persistent: true, location };
  if (db.memory) return { persistent: false, location, problem: `${name} points at an in-memory database` };
  const st = statSync(db.file, { throwIfNoEntry: false });
  if (!st) return { persistent: false, location, problem: `${name}: ${db.file} does not exist` };
  if (!st.isFile())
    return { persistent: false, location, problem: `${name}: ${db.file} is not a regular file` };
  return { persistent: true, location };
}

/** SQLite's journal mode against `wal`; not applicable (with the reason) for servers and `:memory:`. */
export function sqliteWal(
  url: string,
  cwd = process.cwd(),
): { applicable: false; reason: string } | { applicable: true; mode: string; measurement: Measurement } {
  const db = parseDatabaseUrl(url, cwd);
  if (db.engine !== 'sqlite')
    return { applicable: false, reason: `the database is ${db.engine}, not SQLite` };
  if (db.memory) return { applicable: false, reason: 'in-memory database (reported as not persistent)' };
  const mode = sqliteJournalMode(db.file);
  return { applicable: true, mode, measurement: evaluate(JOURNAL_MODE, mode, 1) };
}

export interface DbClientInvocation {
  engine: 'postgres' | 'mysql';
  /** Connection options for psql/pg_dump/pg_restore or mariadb/mariadb-dump. Never the password. */
  args: string[];
  /** The password (and TLS mode) for the child's environment: `PGPASSWORD`, `MYSQL_PWD`. */
  env: Record<string, string>;
  /** Database named by the URL; tools take it differently (`--dbname`, positional). */
  database: string;
}

/**
 * How to run a database client for `url` so that the password travels in the child's environment,
 * never on its command line, where `ps`, shell history and error messages (execa prints the
 * command) would show it.
 * @example
 * const c = dbClientEnv('postgres://app:s3cret@127.0.0.1:5432/app');
 * await execa('pg_dump', [...c.args, '--dbname', c.database], { env: c.env }); // args hold no password
 */
export function dbClientEnv(url: string): DbClientInvocation {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw new ObservationError('database URL cannot be parsed (value not shown)');
  }
  const scheme = u.protocol.replace(/:$/, '').toLowerCase();
  const engine = /^postgres(ql)?$/.test(scheme)
    ? 'postgres'
    : /^(mysql|mariadb)$/.test(scheme)
      ? 'mysql'
      : null;
  if (!engine)
    throw new ObservationError(`no database client for ${scheme}:// URLs (postgres, mysql or mariadb)`);
  const user = decodeURIComponent(u.username);
  const password = decodeURIComponent(u.password);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const env: Record<string, string> = {};
  const args: string[] = [];
  if (engine === 'postgres') {
    if (host) args.push('--host', host);
    if (u.port) args.push('--port', u.port);
    if (user) args.push('--username', user);
    args.push('--no-password'); // Never stop to prompt: a missing password is an error, not a hang.
    if (password) env.PGPASSWORD = password;
    const sslmode = u.searchParams.get('sslmode');
    if (sslmode) env.PGSSLMODE = sslmode;
  } else {
    if (host) args.push(`--host=${host}`);
    if (u.port) args.push(`--port=${u.port}`);
    if (user) args.push(`--user=${user}`);
    if (password) env.MYSQL_PWD = password;
  }
  return { engine, args, env, database };
}
