import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareInventory, emptyInventory } from '../../src/checks/backup/inventory.ts';
import { mysqlCanonicalSession, mysqlDigests } from '../../src/checks/backup/inventory-mariadb.ts';
import { pgCanonicalSession, pgDigests } from '../../src/checks/backup/inventory-postgres.ts';
import { sqliteDigests } from '../../src/checks/backup/inventory-sqlite.ts';
import { checkRestoredContent } from '../../src/checks/backup/restore-content.ts';
import type { Scratch } from '../../src/checks/backup/scratch.ts';
import { type TakenBackup, takeBackup } from '../../src/checks/backup/take-backup.ts';
import { verifyBackup } from '../../src/checks/backup/verify-backup.ts';
import { createForeignMariadb, createForeignPostgres, createForeignSqlite } from './foreign-fixtures.ts';
import { tempDirs } from './helpers.ts';
import {
  createMysqlDatabase,
  createPgDatabase,
  MYSQL_ADMIN_URL,
  mysqlQuery,
  PG_ADMIN_URL,
  pgQuery,
  type TestDatabase,
} from './servers.ts';

const dirs = tempDirs('rollgate-inventory-');
const dbs: TestDatabase[] = [];
const ROWS = [
  [1, 'Äpfel', 2.5],
  [2, 'apfel', null],
  [3, 'APFEL', 0.1],
];

afterAll(async () => {
  await Promise.all(dbs.map((d) => d.drop()));
  dirs.cleanup();
});

describe('content digests', () => {
  it('are the same for the same rows inserted in any order, and change with one value (SQLite, PostgreSQL, MariaDB)', async () => {
    const file = join(dirs.make(), 'd.sqlite');
    const lite = new Database(file);
    const [pgDb, myDb] = await Promise.all([
      createPgDatabase('rollgate_digest'),
      createMysqlDatabase('rollgate_digest'),
    ]);
    dbs.push(pgDb, myDb);
    const orders = [ROWS, [...ROWS].reverse(), [ROWS[1]!, ROWS[2]!, ROWS[0]!.with(2, 2.51)]];
    const inserts = (t: string, rows: typeof ROWS) =>
      `INSERT INTO ${t} VALUES ${rows.map((r) => `(${r[0]}, '${r[1]}', ${r[2] ?? 'NULL'})`).join(', ')}`;
    for (const [i, rows] of orders.entries()) {
      lite.exec(
        `CREATE TABLE t${i} (id INTEGER, name TEXT COLLATE NOCASE, price REAL); ${inserts(`t${i}`, rows)}`,
      );
      await pgQuery(
        pgDb.url,
        `CREATE TABLE t${i} (id int, name text, price float8); ${inserts(`t${i}`, rows)}`,
      );
      await mysqlQuery(myDb.url, `CREATE TABLE t${i} (id INT, name VARCHAR(20), price DOUBLE)`);
      await mysqlQuery(myDb.url, inserts(`t${i}`, rows));
    }
    const sqlite = sqliteDigests(lite);
    lite.close();
    const client = new pg.Client({ connectionString: pgDb.url });
    await client.connect();
    await client.query('BEGIN');
    await pgCanonicalSession(client);
    const postgres = await pgDigests(client, ['t0', 't1', 't2']);
    await client.end();
    const conn = await mysql.createConnection({ uri: myDb.url });
    await mysqlCanonicalSession(conn);
    const mariadb = await mysqlDigests(conn, myDb.name, ['t0', 't1', 't2']);
    await conn.end();
    for (const d of [sqlite, postgres, mariadb]) {
      expect(d.t0).toMatch(/^[0-9a-f]{64}$/);
      expect(d.t1).toBe(d.t0);
      expect(d.t2).not.toBe(d.t0);
    }
  });
});

describe('the restore compared with the manifest’s inventory and digests', () => {
  it('SQLite: a faithful copy passes; a changed row and a dropped view are named', async () => {
    const source = join(dirs.make(), 'shop.sqlite');
    createForeignSqlite(source);
    const taken = await takeBackup({ databaseUrl: `sqlite:${source}`, dir: dirs.make() });
    const copy = join(dirs.make(), 'restored.sqlite');
    copyFileSync(taken.path, copy);
    const scratch: Scratch = { engine: 'sqlite', name: copy, url: `sqlite:${copy}`, drop: async () => {} };
    const good = await checkRestoredContent(taken.manifest, scratch);
    expect(good.status, good.reason).toBe('passed');
    expect(good.reason).toMatch(/^schema \(\d+ objects\) and content of 2 table\(s\) match the manifest$/);
    const db = new Database(copy);
    db.exec("UPDATE orders SET note = 'changed' WHERE id = 1; DROP VIEW order_totals");
    db.close();
    const bad = await checkRestoredContent(taken.manifest, scratch);
    expect(bad.status).toBe('failed');
    expect(bad.reason).toContain(
      'schema differs from the manifest: view order_totals missing from the restore',
    );
    expect(bad.reason).toMatch(
      /table orders: content differs from the backup's snapshot \(sha256 [0-9a-f]{12}… in the restore, manifest says [0-9a-f]{12}…\)/,
    );
    expect(bad.reason).not.toContain('table inventory');
  });

  describe('PostgreSQL, restored by the verifier as the restricted role', () => {
    let taken: TakenBackup;
    beforeAll(async () => {
      const source = await createPgDatabase('rollgate_inv_src');
      dbs.push(source);
      await createForeignPostgres(source);
      taken = await takeBackup({ databaseUrl: source.url, dir: dirs.make() });
    });

    it('matches (owners, role and database name differ), then names a changed row and a dropped index', async () => {
      const verified = await verifyBackup({
        backup: taken.path,
        scratchUrl: PG_ADMIN_URL,
        keepScratch: true,
      });
      expect(verified.status, verified.reason).toBe('passed');
      const scratch = verified.scratch!;
      try {
        const good = await checkRestoredContent(taken.manifest, scratch);
        expect(good.status, good.reason).toBe('passed');
        const admin = new URL(PG_ADMIN_URL);
        admin.pathname = `/${scratch.name}`;
        await pgQuery(
          admin.toString(),
          "UPDATE orders SET note = 'changed' WHERE id = 1; DROP INDEX orders_inventory_idx; ALTER TABLE inventory ALTER COLUMN price TYPE numeric(12,2)",
        );
        const bad = await checkRestoredContent(taken.manifest, scratch);
        expect(bad.status).toBe('failed');
        expect(bad.reason).toContain('index orders.orders_inventory_idx missing from the restore');
        expect(bad.reason).toContain(
          'column inventory.price differs: manifest "#4 numeric(10,2)", restore "#4 numeric(12,2)"',
        );
        expect(bad.reason).toMatch(/table orders: content differs from the backup's snapshot/);
      } finally {
        await scratch.drop();
      }
    });
  });

  it('MariaDB: a restore into another schema matches (schema names in views and triggers normalised); a changed row and a dropped trigger are named', async () => {
    const [source, restored] = await Promise.all([
      createMysqlDatabase('rollgate_inv_src'),
      createMysqlDatabase('rollgate_inv_dst'),
    ]);
    dbs.push(source, restored);
    await createForeignMariadb(source);
    const taken = await takeBackup({ databaseUrl: source.url, dir: dirs.make() });
    const admin = new URL(MYSQL_ADMIN_URL);
    await execa(
      'mariadb',
      ['--no-defaults', '--protocol=TCP', '-h', admin.hostname, '-u', 'root', restored.name],
      { inputFile: taken.path },
    );
    const scratch: Scratch = {
      engine: 'mysql',
      name: restored.name,
      url: restored.url,
      drop: async () => {},
    };
    const good = await checkRestoredContent(taken.manifest, scratch);
    expect(good.status, good.reason).toBe('passed');
    await mysqlQuery(restored.url, "UPDATE orders SET note = 'changed' WHERE id = 1");
    await mysqlQuery(restored.url, 'DROP TRIGGER orders_take');
    const bad = await checkRestoredContent(taken.manifest, scratch);
    expect(bad.status).toBe('failed');
    expect(bad.reason).toContain('trigger orders.orders_take missing from the restore');
    expect(bad.reason).toMatch(/table orders: content differs from the backup's snapshot/);
  });

  it('a version 1 manifest passes and says only row counts were compared', async () => {
    const scratch: Scratch = {
      engine: 'sqlite',
      name: '/nonexistent',
      url: 'sqlite:/nonexistent',
      drop: async () => {},
    };
    const manifest = { manifestVersion: 1 } as Parameters<typeof checkRestoredContent>[0];
    const r = await checkRestoredContent(manifest, scratch);
    expect(r).toMatchObject({
      status: 'passed',
      reason:
        'manifest version 1 records no schema inventory or content digests: only row counts were compared',
    });
  });

  it('compareInventory names extra objects as well as missing and changed ones', () => {
    const want = {
      ...emptyInventory(),
      tables: { a: 'table' },
      constraints: { 'a.a_pkey': 'PRIMARY KEY (id)' },
    };
    const got = {
      ...emptyInventory(),
      tables: { a: 'table', b: 'table' },
      constraints: { 'a.a_pkey': 'PRIMARY KEY (id, x)' },
    };
    expect(compareInventory(want, got)).toEqual([
      'table b in the restore is not in the manifest',
      'constraint a.a_pkey differs: manifest "PRIMARY KEY (id)", restore "PRIMARY KEY (id, x)"',
    ]);
  });
});
