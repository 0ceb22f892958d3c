import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../demo/db/open-store.ts';
import { type DemoServer, startDemo } from '../../demo/server.ts';
import {
  createMysqlDatabase,
  createPgDatabase,
  mysqlQuery,
  pgQuery,
  type TestDatabase,
} from '../backup/servers.ts';
import { Client, csrfFrom } from './helpers.ts';

/** The same walk as estimates.test.ts, on each server engine, each in a fresh database. */
describe.each([
  { engine: 'postgres', create: createPgDatabase, scheme: (url: string) => url },
  {
    engine: 'mysql',
    create: createMysqlDatabase,
    scheme: (url: string) => url.replace(/^mysql:/, 'mariadb:'),
  },
])('demo on $engine', ({ engine, create, scheme }) => {
  let database: TestDatabase;
  let demo: DemoServer;

  beforeAll(async () => {
    database = await create('rollgate_demo');
    demo = await startDemo({ databaseUrl: scheme(database.url), version: '1.2.3' });
  });

  afterAll(async () => {
    await demo?.close();
    await database?.drop();
  });

  it('reports the engine in deep health', async () => {
    const body = await (await fetch(`${demo.url}/api/health`)).json();
    expect(body).toMatchObject({ status: 'ok', checks: { database: { status: 'ok', engine } } });
  });

  it('logs in, creates an estimate and lists it with the database-computed total', async () => {
    expect((await new Client(demo.url).login('demo', 'wrong-password')).status).not.toBe(303);
    const c = new Client(demo.url);
    expect((await c.login()).status).toBe(303);
    const form = await (await c.get('/estimates/new')).text();
    const res = await c.post('/estimates', {
      _csrf: csrfFrom(form),
      title: 'Kitchen refit',
      item_description: ['Cabinets', 'Fitting', ''],
      item_quantity: ['3', '10', ''],
      item_unit_price: ['300.50', '33.30', ''],
    });
    expect(res.status).toBe(303);
    await c.post('/estimates', {
      _csrf: csrfFrom(await (await c.get('/estimates/new')).text()),
      title: 'Empty estimate',
      item_description: ['Survey'],
      item_quantity: ['1'],
      item_unit_price: ['0.00'],
    });
    const body = (await (await c.get('/api/estimates')).json()) as {
      estimates: { title: string; itemCount: number; totalCents: number }[];
    };
    // Newest first, totals from the stored integer cents: 3 × 30050 + 10 × 3330.
    expect(body.estimates.map((e) => [e.title, e.itemCount, e.totalCents])).toEqual([
      ['Empty estimate', 1, 0],
      ['Kitchen refit', 2, 123450],
    ]);
  });

  it('stores the rows in the database the URL names, with the password hashed', async () => {
    const sql = 'SELECT username, password_hash FROM users';
    const rows =
      engine === 'postgres'
        ? await pgQuery<{ username: string; password_hash: string }>(database.url, sql)
        : await mysqlQuery<{ username: string; password_hash: string }>(database.url, sql);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.username).toBe('demo');
    expect(rows[0]?.password_hash).toMatch(/^scrypt\$/);
  });

  it('opens a second time on the same database without duplicating the seed', async () => {
    const again = await openStore(scheme(database.url));
    try {
      expect(await again.findUserByName('demo')).toMatchObject({ username: 'demo' });
    } finally {
      await again.close();
    }
  });
});

describe('server engine errors', () => {
  it('names the URL with its password masked when the server is unreachable', async () => {
    const error = await openStore('postgres://app:s3cret@127.0.0.1:1/app').catch((e: Error) => e);
    expect(String(error)).toContain('postgres://app:***@127.0.0.1:1/app: cannot open PostgreSQL database');
    expect(String(error)).not.toContain('s3cret');
    const mysqlError = await openStore('mysql://app:s3cret@127.0.0.1:1/app').catch((e: Error) => e);
    expect(String(mysqlError)).toContain('mysql://app:***@127.0.0.1:1/app: cannot open MariaDB database');
    expect(String(mysqlError)).not.toContain('s3cret');
  });
});
