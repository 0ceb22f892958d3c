import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTION_LEAK_ROUTE } from '../../demo/faults.ts';
import { type DemoServer, startDemo } from '../../demo/server.ts';
import {
  createMysqlDatabase,
  createPgDatabase,
  MYSQL_ADMIN_URL,
  mysqlQuery,
  PG_ADMIN_URL,
  pgQuery,
  type TestDatabase,
} from '../backup/servers.ts';
import { sampleValue, scrape } from './metrics-scrape.ts';

/** Connections the database server itself sees from the demo (all of them, or the stray ones). */
const serverSide = {
  postgres: async (db: TestDatabase) => {
    const sql =
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'rollgate-demo-stray'";
    return (await pgQuery<{ n: number }>(PG_ADMIN_URL, sql, [db.name]))[0]!.n;
  },
  mysql: async (db: TestDatabase) => {
    const sql = 'SELECT count(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ?';
    return Number((await mysqlQuery<{ n: number }>(MYSQL_ADMIN_URL, sql, [db.name]))[0]!.n);
  },
};

/** Polls until `read` returns `expected`, for at most 10 s; returns the last value read. */
async function settle(read: () => Promise<number>, expected: number): Promise<number> {
  const deadline = Date.now() + 10_000;
  let value = await read();
  while (value !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setImmediate(resolve));
    value = await read();
  }
  return value;
}

describe.each([
  { engine: 'postgres' as const, create: createPgDatabase },
  { engine: 'mysql' as const, create: createMysqlDatabase },
])('demo_db_connections_in_use on $engine', ({ engine, create }) => {
  let database: TestDatabase;
  let demo: DemoServer;

  beforeAll(async () => {
    database = await create('rollgate_demo_metrics');
    demo = await startDemo({ databaseUrl: database.url, version: '1.2.3', faults: ['connection-leak'] });
  });

  afterAll(async () => {
    await demo?.close();
    await database?.drop();
  });

  it(`is 0 at rest, and rises by one real server connection per request to ${CONNECTION_LEAK_ROUTE}`, async () => {
    const inUse = async () => sampleValue(await scrape(demo.url), 'demo_db_connections_in_use');
    // Pooled connections are idle between requests: none is in use.
    expect(await inUse()).toBe(0);
    const before = await serverSide[engine](database);
    for (let i = 0; i < 3; i++) expect((await fetch(demo.url + CONNECTION_LEAK_ROUTE)).status).toBe(200);
    expect(await inUse()).toBe(3);
    expect(await serverSide[engine](database)).toBe(before + 3);

    // Closing the demo closes the strays too (and, on MariaDB where all are counted, the pool).
    await demo.close();
    expect(await settle(() => serverSide[engine](database), 0)).toBe(0);
  });
});
