import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupManifest } from '../../src/checks/backup/manifest.ts';
import { takeBackup } from '../../src/checks/backup/take-backup.ts';
import { BackupRecord } from '../../src/model/backup-record.ts';
import { cleanEnv, ROOT } from '../e2e/helpers.ts';
import {
  createForeignMariadb,
  createForeignPostgres,
  createForeignSqlite,
  FOREIGN_TABLES,
  mariadbDumpDigest,
  pgDumpDigest,
} from './foreign-fixtures.ts';
import { fingerprint, readJson, tempDirs } from './helpers.ts';
import { createMysqlDatabase, createPgDatabase, type TestDatabase } from './servers.ts';

const dirs = tempDirs('rollgate-foreign-');
let pgDb: TestDatabase;
let myDb: TestDatabase;
let sqliteFile: string;
let reports: string;

/** `npm run demo:backup` as the issue ran it: DEMO_DATABASE_URL pointing at someone else's database. */
async function demoBackup(databaseUrl: string) {
  const dir = dirs.make();
  const r = await execa('npm', ['run', '-s', 'demo:backup'], {
    cwd: ROOT,
    env: cleanEnv({ DEMO_DATABASE_URL: databaseUrl, BACKUP_DIR: dir, ROLLGATE_REPORTS_DIR: reports }),
    extendEnv: false,
    reject: false,
    all: true,
  });
  const manifests = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.manifest.json')) : [];
  const manifest = manifests[0] ? readJson<BackupManifest>(join(dir, manifests[0])) : undefined;
  return { exitCode: r.exitCode, output: r.all ?? '', manifest };
}

const sqliteFiles = () => [sqliteFile, `${sqliteFile}-wal`, `${sqliteFile}-shm`, `${sqliteFile}-journal`];
const journalMode = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma('journal_mode', { simple: true });
  } finally {
    db.close();
  }
};

beforeAll(async () => {
  reports = dirs.make();
  sqliteFile = join(dirs.make(), 'shop.sqlite');
  createForeignSqlite(sqliteFile);
  [pgDb, myDb] = await Promise.all([
    createPgDatabase('rollgate_foreign'),
    createMysqlDatabase('rollgate_foreign'),
  ]);
  await Promise.all([createForeignPostgres(pgDb), createForeignMariadb(myDb)]);
});

afterAll(async () => {
  await Promise.all([pgDb?.drop(), myDb?.drop()]);
  dirs.cleanup();
});

describe('backing up a database that is not the demo’s', () => {
  it('SQLite, PostgreSQL and MariaDB: the backup succeeds, lists their tables and schema, and each source is byte-identical afterwards', async () => {
    const before = {
      sqlite: fingerprint(sqliteFiles()),
      journal: journalMode(sqliteFile),
      pg: await pgDumpDigest(pgDb),
      my: await mariadbDumpDigest(myDb),
    };
    expect(before.journal).toBe('delete');
    const [sqlite, postgres, mariadb] = await Promise.all([
      demoBackup(`sqlite:${sqliteFile}`),
      demoBackup(pgDb.url),
      demoBackup(myDb.url),
    ]);
    for (const r of [sqlite, postgres, mariadb]) {
      expect(r.exitCode, r.output).toBe(0);
      expect(Object.keys(r.manifest!.tables).sort()).toEqual(FOREIGN_TABLES);
      expect(r.manifest!.manifestVersion).toBe(2);
      expect(Object.keys(r.manifest!.contentDigests!).sort()).toEqual(FOREIGN_TABLES);
      const inv = r.manifest!.inventory!;
      expect(Object.keys(inv.tables).sort()).toEqual(FOREIGN_TABLES);
      expect(Object.keys(inv.views)).toEqual(['order_totals']);
      expect(Object.keys(inv.triggers)).toEqual(['orders.orders_take']);
      expect(Object.keys(inv.indexes)).toContain('orders.orders_inventory_idx');
    }
    expect(sqlite.manifest!.tables).toEqual({ inventory: 2, orders: 3 });
    expect(Object.keys(postgres.manifest!.inventory!.sequences).sort()).toEqual([
      'inventory_id_seq',
      'invoice_numbers',
      'orders_id_seq',
    ]);
    expect(Object.keys(mariadb.manifest!.inventory!.sequences)).toEqual(['invoice_numbers']);
    expect(Object.keys(mariadb.manifest!.inventory!.constraints)).toContain('orders.orders_inventory_fk');
    // Nothing was created, seeded or switched: same bytes, same journal mode, no -wal/-shm/-journal.
    expect(fingerprint(sqliteFiles())).toEqual(before.sqlite);
    expect(before.sqlite).toMatchObject({ 'shop.sqlite-wal': 'absent', 'shop.sqlite-shm': 'absent' });
    expect(journalMode(sqliteFile)).toBe('delete');
    expect(await pgDumpDigest(pgDb)).toBe(before.pg);
    expect(await mariadbDumpDigest(myDb)).toBe(before.my);
    // Each backup is recorded in the store the gate uses (ROLLGATE_REPORTS_DIR/backups.jsonl).
    const records = readFileSync(join(reports, 'backups.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => BackupRecord.parse(JSON.parse(l)));
    expect(records.map((r) => r.engine).sort()).toEqual(['mysql', 'postgres', 'sqlite']);
    expect(sqlite.output).toContain(`recorded in ${join(reports, 'backups.jsonl')}`);
  });

  it('a missing SQLite source is refused, never created, and the demo:seed command is named', async () => {
    const missing = join(dirs.make(), 'nothing-here.sqlite');
    const r = await demoBackup(`sqlite:${missing}`);
    expect(r.exitCode).toBe(1);
    expect(r.output).toContain(`${missing} does not exist. A backup never creates its source`);
    expect(r.output).toContain('npm run demo:seed');
    expect(existsSync(missing)).toBe(false);
  });

  it('a WAL database nobody has open is backed up without leaving a -wal or -shm beside it', async () => {
    const file = join(dirs.make(), 'closed-wal.sqlite');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('kept')");
    db.close();
    const before = fingerprint([file, `${file}-wal`, `${file}-shm`]);
    expect(before).toMatchObject({ 'closed-wal.sqlite-wal': 'absent', 'closed-wal.sqlite-shm': 'absent' });
    const taken = await takeBackup({ databaseUrl: `sqlite:${file}`, dir: dirs.make() });
    expect(taken.manifest.tables).toEqual({ t: 1 });
    expect(taken.manifest.consistency).toMatch(/^WAL database with no open connection: copied unchanged/);
    expect(fingerprint([file, `${file}-wal`, `${file}-shm`])).toEqual(before);
  });
});
