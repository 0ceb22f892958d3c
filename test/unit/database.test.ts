import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckFailure, ObservationError } from '../../src/checks/authoring/errors.ts';
import { parseDatabaseUrl, sqliteJournalMode } from '../../src/checks/probes/database.ts';
import { tempDirs, thrown } from './helpers.ts';

const dirs = tempDirs('rollgate-db-');
afterAll(() => dirs.cleanup());

describe('parseDatabaseUrl', () => {
  const cwd = path.join(path.sep, 'srv', 'app');

  it.each([
    ['sqlite:data/app.db', path.join(cwd, 'data/app.db')],
    ['sqlite:///var/lib/app.db', '/var/lib/app.db'],
    ['sqlite:/var/lib/app.db', '/var/lib/app.db'],
    ['data/app.db', path.join(cwd, 'data/app.db')],
    ['/abs/app.db', '/abs/app.db'],
    ['file:app.db?mode=ro', path.join(cwd, 'app.db')],
    ['  sqlite:app.db  ', path.join(cwd, 'app.db')],
  ])('reads %j as the SQLite file %s', (url, file) => {
    expect(parseDatabaseUrl(url, cwd)).toEqual({ engine: 'sqlite', file, memory: false });
  });

  it.each([':memory:', 'sqlite::memory:', 'sqlite:', 'file:app?mode=memory'])(
    'reads %j as an in-memory SQLite database',
    (url) => {
      expect(parseDatabaseUrl(url, cwd)).toEqual({ engine: 'sqlite', file: ':memory:', memory: true });
    },
  );

  // Regression (src/checks/database.ts parseDatabaseUrl, fixed): the `:memory:` test runs before the query string is cut
  // off, so SQLite's standard shared in-memory URI `file::memory:?cache=shared` (and `sqlite::memory:?cache=shared`)
  // is taken for a file named ':memory:' in cwd: { file: '/srv/app/:memory:', memory: false }.
  it.each(['file::memory:?cache=shared', 'sqlite::memory:?cache=shared'])(
    'reads %j (in-memory with a query string) as an in-memory SQLite database',
    (url) => {
      expect(parseDatabaseUrl(url, cwd)).toEqual({ engine: 'sqlite', file: ':memory:', memory: true });
    },
  );

  it.each([
    ['postgres://app:pw@db.internal:5432/shop?sslmode=require', 'postgres', 'db.internal', 'shop'],
    ['postgresql://127.0.0.1/app', 'postgres', '127.0.0.1', 'app'],
    ['mysql://root@127.0.0.1:3306/shop', 'mysql', '127.0.0.1', 'shop'],
    ['mariadb://root:pw@localhost/shop', 'mysql', 'localhost', 'shop'],
  ])('reads %j as %s on %s, database %s', (url, engine, host, database) => {
    expect(parseDatabaseUrl(url, cwd)).toEqual({ engine, host, database });
  });
});

describe('sqliteJournalMode', () => {
  function makeDb(mode: 'WAL' | 'DELETE'): string {
    const file = path.join(dirs.make(), `app-${mode}.sqlite`);
    const db = new Database(file);
    db.pragma(`journal_mode = ${mode}`);
    db.exec('CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);');
    db.close();
    return file;
  }

  it('reads wal from a database in WAL mode', () => {
    expect(sqliteJournalMode(makeDb('WAL'))).toBe('wal');
  });

  it('reads rollback from a database in DELETE mode', () => {
    expect(sqliteJournalMode(makeDb('DELETE'))).toBe('rollback');
  });

  it('only reads: no -wal or -shm appears beside the database and the file is unchanged', () => {
    const file = makeDb('WAL');
    const before = { entries: readdirSync(path.dirname(file)), bytes: readFileSync(file) };
    sqliteJournalMode(file);
    expect(readdirSync(path.dirname(file))).toEqual(before.entries);
    expect(readFileSync(file).equals(before.bytes)).toBe(true);
  });

  it('fails (CheckFailure) on a file that is not SQLite', () => {
    const file = path.join(dirs.make(), 'not.sqlite');
    writeFileSync(file, 'PGDMP this is a pg_dump archive, not SQLite '.repeat(5));
    const e = thrown(() => sqliteJournalMode(file));
    expect(e).toBeInstanceOf(CheckFailure);
    expect(e.message).toContain('is not an SQLite database');
  });

  it('fails (CheckFailure) on a file shorter than a header', () => {
    const file = path.join(dirs.make(), 'short.sqlite');
    writeFileSync(file, 'SQLite format 3\u0000');
    expect(thrown(() => sqliteJournalMode(file))).toBeInstanceOf(CheckFailure);
  });

  it('errors (ObservationError) on a missing file, saying why', () => {
    const file = path.join(dirs.make(), 'missing.sqlite');
    const e = thrown(() => sqliteJournalMode(file));
    expect(e).toBeInstanceOf(ObservationError);
    expect(e.message).toBe(`cannot read ${file}: ENOENT`);
  });
});
