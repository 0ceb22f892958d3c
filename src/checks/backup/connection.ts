import { ObservationError } from '../authoring/errors.ts';

/** A PostgreSQL or MariaDB server as a URL names it; the password stays out of every message. */
export interface ServerTarget {
  engine: 'postgres' | 'mysql';
  host: string;
  port: number;
  user: string;
  password?: string;
  /** Empty when the URL names no database. */
  database: string;
  /** Query parameters (`sslmode=require`…). */
  params: Record<string, string>;
}

/** Parses `postgres://`, `postgresql://`, `mysql://` and `mariadb://` URLs. */
export function parseServerUrl(url: string): ServerTarget {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw new ObservationError('database URL is not a URL (value not shown: it may hold a password)');
  }
  const scheme = u.protocol.replace(/:$/, '').toLowerCase();
  const engine =
    scheme === 'postgres' || scheme === 'postgresql'
      ? 'postgres'
      : scheme === 'mysql' || scheme === 'mariadb'
        ? 'mysql'
        : undefined;
  if (!engine) throw new ObservationError(`"${scheme}:" is not a PostgreSQL or MariaDB URL`);
  const target: ServerTarget = {
    engine,
    host: decodeURIComponent(u.hostname) || '127.0.0.1',
    port: Number(u.port) || (engine === 'postgres' ? 5432 : 3306),
    user: decodeURIComponent(u.username) || (engine === 'postgres' ? 'postgres' : 'root'),
    database: decodeURIComponent(u.pathname.replace(/^\//, '')),
    params: Object.fromEntries(u.searchParams),
  };
  if (u.password) target.password = decodeURIComponent(u.password);
  return target;
}

/** The URL of `target` pointed at another database (and optionally another user). */
export function serverUrl(target: ServerTarget, overrides: Partial<ServerTarget> = {}): string {
  const t = { ...target, ...overrides };
  const auth = encodeURIComponent(t.user) + (t.password ? `:${encodeURIComponent(t.password)}` : '');
  const query = new URLSearchParams(t.params).toString();
  const scheme = t.engine === 'postgres' ? 'postgres' : 'mysql';
  return `${scheme}://${auth}@${t.host}:${t.port}/${encodeURIComponent(t.database)}${query ? `?${query}` : ''}`;
}

/**
 * Environment for libpq tools (pg_dump, pg_restore, psql). Everything travels by environment, the
 * password included (PGPASSWORD): nothing secret ever appears on a command line, where `ps` shows it.
 */
export function pgToolEnv(target: ServerTarget, database = target.database): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PGHOST: target.host,
    PGPORT: String(target.port),
    PGUSER: target.user,
    PGDATABASE: database,
    PGCONNECT_TIMEOUT: '10',
    PGAPPNAME: 'rollgate',
  };
  // runTool drops inherited PG* variables, so a password for some other server never applies here.
  if (target.password) env.PGPASSWORD = target.password;
  if (target.params.sslmode) env.PGSSLMODE = target.params.sslmode;
  return env;
}

/** Arguments and environment for the mariadb client tools: the password only in MYSQL_PWD. */
export function mysqlToolArgs(target: ServerTarget): { args: string[]; env: NodeJS.ProcessEnv } {
  return {
    // --no-defaults first: a ~/.my.cnf must not redirect a restore to another server or user.
    args: [
      '--no-defaults',
      '--protocol=TCP',
      `--host=${target.host}`,
      `--port=${target.port}`,
      `--user=${target.user}`,
    ],
    env: { MYSQL_PWD: target.password ?? '' },
  };
}

/** Configuration for the `pg` driver. */
export function pgClientConfig(target: ServerTarget, database = target.database) {
  return {
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database,
    application_name: 'rollgate',
    connectionTimeoutMillis: 10_000,
    // libpq's meaning: `require` encrypts without verifying the certificate, `verify-*` verify it.
    ssl: sslFor(target.params.sslmode),
  };
}

function sslFor(mode: string | undefined): false | { rejectUnauthorized: boolean } {
  if (!mode || mode === 'disable' || mode === 'allow' || mode === 'prefer') return false;
  return { rejectUnauthorized: mode !== 'require' };
}

/** Configuration for `mysql2`. */
export function mysqlClientConfig(target: ServerTarget, database = target.database) {
  return {
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password ?? '',
    database: database || undefined,
    connectTimeout: 10_000,
    supportBigNumbers: true,
    bigNumberStrings: true,
    multipleStatements: false,
  };
}
