import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';

/** The machine's database servers (DESIGN.md): loopback, trust auth / empty root password. */
export const PG_ADMIN_URL = process.env.ROLLGATE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const MYSQL_ADMIN_URL = process.env.ROLLGATE_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/mysql';

export interface TestDatabase {
  name: string;
  /** URL of the new database, same credentials as the admin URL. */
  url: string;
  drop(): Promise<void>;
}

/** Unique per process and call, so test files running in parallel never share a database. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

function withDatabase(adminUrl: string, name: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function pgQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

export async function mysqlQuery<T = Record<string, unknown>>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const conn = await mysql.createConnection({ uri: url, multipleStatements: false });
  try {
    const [rows] = await conn.query(text, values);
    return rows as T[];
  } finally {
    await conn.end();
  }
}

export async function createPgDatabase(prefix = 'rollgate_test'): Promise<TestDatabase> {
  const name = uniqueName(prefix);
  await pgQuery(PG_ADMIN_URL, `CREATE DATABASE "${name}"`);
  return {
    name,
    url: withDatabase(PG_ADMIN_URL, name),
    drop: () => pgQuery(PG_ADMIN_URL, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).then(() => {}),
  };
}

export async function createMysqlDatabase(prefix = 'rollgate_test'): Promise<TestDatabase> {
  const name = uniqueName(prefix);
  await mysqlQuery(MYSQL_ADMIN_URL, `CREATE DATABASE \`${name}\``);
  return {
    name,
    url: withDatabase(MYSQL_ADMIN_URL, name),
    drop: () => mysqlQuery(MYSQL_ADMIN_URL, `DROP DATABASE IF EXISTS \`${name}\``).then(() => {}),
  };
}
