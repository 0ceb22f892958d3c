import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import pg from 'pg';
import { takeBackup } from '../../src/checks/backup/take-backup.ts';
import { buildMeasure, type Measure, side } from './results.ts';

export interface BackupBenchOptions {
  root: string;
  /** Runs per side, in ABBA order. */
  rounds: number;
  /** Size of the SQLite database, in MB. */
  sqliteMb: number;
  say: (line: string) => void;
}

const PG_ADMIN = process.env.ROLLGATE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const GOAL = { operator: '<=' as const, value: 1.3 };

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

/** ABBA: a, b, b, a, … so drift (page cache, a busy neighbour) falls on both sides alike. */
async function abba(rounds: number, a: () => Promise<number>, b: () => Promise<number>) {
  const runs = { a: [] as number[], b: [] as number[] };
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      runs.a.push(await a());
      runs.b.push(await b());
    } else {
      runs.b.push(await b());
      runs.a.push(await a());
    }
  }
  return runs;
}

/** `rollgate backup verify <file>` as a user runs it. */
function rollgateVerify(root: string, file: string, env: Record<string, string> = {}) {
  return timed(async () => {
    const r = await execa(process.execPath, [path.join(root, 'bin/rollgate.mjs'), 'backup', 'verify', file], {
      cwd: root,
      env: { ...process.env, ...env },
      reject: false,
      all: true,
    });
    if (r.exitCode !== 0) throw new Error(`rollgate backup verify exited ${r.exitCode}: ${r.all}`);
  });
}

/** A SQLite file of about `mb` MB: one table of 1 KB random blobs, one of small rows. */
function makeSqlite(file: string, mb: number): void {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = DELETE');
    db.exec(
      'CREATE TABLE blobs (id INTEGER PRIMARY KEY, body BLOB NOT NULL); CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)',
    );
    const insert = db.prepare('INSERT INTO blobs (body) VALUES (randomblob(1000))');
    const note = db.prepare('INSERT INTO notes (text) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < mb * 1000; i++) insert.run();
      for (let i = 0; i < 10_000; i++) note.run(`note ${i}`);
    })();
  } finally {
    db.close();
  }
}

/**
 * `rollgate backup verify` of a SQLite backup of about 200 MB against the raw tools doing the same
 * work on the same file: `sha256sum`, `sqlite3 'PRAGMA integrity_check'` and a row count per table.
 */
export async function sqliteVerifyVsTools(o: BackupBenchOptions): Promise<Measure> {
  const dir = mkdtempSync(path.join(tmpdir(), 'rollgate-bench-sqlite-'));
  const problems: string[] = [];
  const notes: string[] = [];
  let runs = { a: [] as number[], b: [] as number[] };
  try {
    const which = await execa('sqlite3', ['-version'], { reject: false });
    if (which.exitCode !== 0) throw new Error('sqlite3 CLI not found (apt-get install sqlite3)');
    o.say(`backup verify: writing a ${o.sqliteMb} MB SQLite database`);
    const source = path.join(dir, 'big.sqlite');
    makeSqlite(source, o.sqliteMb);
    const taken = await takeBackup({ databaseUrl: `sqlite:${source}`, dir: path.join(dir, 'backups') });
    notes.push(`SQLite backup of ${(taken.manifest.sizeBytes / 1e6).toFixed(0)} MB`);
    const tables = Object.keys(taken.manifest.tables);
    const raw = () =>
      timed(async () => {
        const sql = ['PRAGMA integrity_check;', ...tables.map((t) => `SELECT count(*) FROM "${t}";`)].join(
          ' ',
        );
        const [sum, check] = [
          await execa('sha256sum', [taken.path]),
          await execa('sqlite3', ['-readonly', taken.path, sql]),
        ];
        if (!sum.stdout.startsWith(taken.manifest.sha256))
          throw new Error('sha256sum disagrees with the manifest');
        if (!check.stdout.startsWith('ok')) throw new Error(`integrity_check: ${check.stdout.slice(0, 200)}`);
      });
    o.say('backup verify: SQLite, rollgate vs sha256sum + sqlite3');
    runs = await abba(o.rounds, () => rollgateVerify(o.root, taken.path), raw);
  } catch (error) {
    problems.push((error as Error).message);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return buildMeasure({
    id: 'backup-verify-sqlite',
    title: 'backup verify SQLite vs sqlite3 + sha256sum',
    a: side('rollgate', 's', runs.a),
    b: side('raw tools', 's', runs.b),
    goal: GOAL,
    problems,
    notes,
  });
}

const withDb = (url: string, db: string) => {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
};

async function admin(sql: string, url = PG_ADMIN): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/**
 * `rollgate backup verify` of a pg_dump custom archive against the raw tools doing the same work:
 * `sha256sum`, `createdb` + `pg_restore` into a scratch database, a row count per table, `dropdb`.
 */
export async function postgresVerifyVsTools(o: BackupBenchOptions): Promise<Measure> {
  const dir = mkdtempSync(path.join(tmpdir(), 'rollgate-bench-pg-'));
  const name = `rollgate_bench_${randomBytes(4).toString('hex')}`;
  const problems: string[] = [];
  const notes: string[] = [];
  let runs = { a: [] as number[], b: [] as number[] };
  const u = new URL(PG_ADMIN);
  const conn = ['-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres')];
  try {
    o.say('backup verify: filling a PostgreSQL database');
    await admin(`CREATE DATABASE ${name}`);
    await admin(
      `CREATE TABLE items (id bigserial PRIMARY KEY, body text NOT NULL, n int NOT NULL);
       INSERT INTO items (body, n) SELECT md5(g::text) || repeat('x', 200), g FROM generate_series(1, 300000) g;
       CREATE INDEX items_n ON items (n);
       CREATE TABLE tags (id serial PRIMARY KEY, item_id bigint REFERENCES items(id), tag text);
       INSERT INTO tags (item_id, tag) SELECT g, 't' || (g % 50) FROM generate_series(1, 100000) g;`,
      withDb(PG_ADMIN, name),
    );
    const taken = await takeBackup({ databaseUrl: withDb(PG_ADMIN, name), dir: path.join(dir, 'backups') });
    notes.push(`pg_dump custom archive of ${(taken.manifest.sizeBytes / 1e6).toFixed(0)} MB`);
    const tables = Object.keys(taken.manifest.tables);
    const raw = () =>
      timed(async () => {
        const scratch = `rollgate_bench_raw_${randomBytes(4).toString('hex')}`;
        const sum = await execa('sha256sum', [taken.path]);
        if (!sum.stdout.startsWith(taken.manifest.sha256))
          throw new Error('sha256sum disagrees with the manifest');
        await execa('createdb', [...conn, scratch]);
        try {
          await execa('pg_restore', [...conn, '--no-owner', '--exit-on-error', '-d', scratch, taken.path]);
          const sql = tables.map((t) => `SELECT count(*) FROM ${t};`).join(' ');
          await execa('psql', [...conn, '-Atq', '-d', scratch, '-c', sql]);
        } finally {
          await execa('dropdb', [...conn, '--force', scratch]);
        }
      });
    o.say('backup verify: PostgreSQL, rollgate vs createdb + pg_restore + psql + sha256sum');
    runs = await abba(
      o.rounds,
      () => rollgateVerify(o.root, taken.path, { ROLLGATE_SCRATCH_URL: PG_ADMIN }),
      raw,
    );
  } catch (error) {
    problems.push((error as Error).message);
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
  return buildMeasure({
    id: 'backup-verify-postgres',
    title: 'backup verify PostgreSQL vs pg_restore',
    a: side('rollgate', 's', runs.a),
    b: side('raw tools', 's', runs.b),
    goal: GOAL,
    problems,
    notes,
  });
}
