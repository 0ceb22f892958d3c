import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { databasePersistence, secretsPresent, sqliteWal } from '../../src/checks/probes/runtime-config.ts';
import { tempDirs } from './helpers.ts';

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

function sqliteFile(journal: 'wal' | 'delete'): string {
  const file = path.join(dirs.make(), `${journal}.sqlite`);
  const db = new Database(file);
  db.pragma(`journal_mode = ${journal}`);
  db.exec('create table t (x integer)');
  db.close();
  return file;
}

describe('secretsPresent', () => {
  it('names the missing secrets and measures them, never reading a value into its result', () => {
    const env = { SESSION_SECRET: 'value-Zq81-never-shown', API_TOKEN: '  ', OTHER: 'x' };
    const r = secretsPresent(['SESSION_SECRET', 'API_TOKEN', 'SMTP_PASSWORD'], env);
    expect(r.present).toEqual(['SESSION_SECRET']);
    expect(r.missing).toEqual(['API_TOKEN', 'SMTP_PASSWORD']);
    expect(r.measurement).toMatchObject({
      name: 'missing-secrets',
      actual: 2,
      expected: 0,
      samples: 3,
      passed: false,
    });
    expect(JSON.stringify(r)).not.toContain('value-Zq81');
    expect(secretsPresent(['OTHER'], env).measurement.passed).toBe(true);
  });

  it('an empty list of names is no data, never a pass', () => {
    expect(secretsPresent([], {}).measurement).toMatchObject({ samples: 0, passed: false });
  });
});

describe('databasePersistence', () => {
  it('accepts an existing SQLite file and a server, and says where without credentials', () => {
    const file = sqliteFile('wal');
    expect(databasePersistence(`sqlite:${file}`, 'DATABASE_URL')).toEqual({
      persistent: true,
      location: `sqlite file ${file}`,
    });
    const server = databasePersistence('postgres://app:pw-Hx71@db.internal:5432/app', 'DATABASE_URL');
    expect(server).toEqual({ persistent: true, location: 'postgres database "app" on db.internal' });
  });

  it.each([
    [':memory:', 'DATABASE_URL points at an in-memory database'],
    ['sqlite::memory:', 'DATABASE_URL points at an in-memory database'],
    ['file:app?mode=memory', 'DATABASE_URL points at an in-memory database'],
  ])('refuses %s', (url, problem) => {
    expect(databasePersistence(url, 'DATABASE_URL')).toMatchObject({ persistent: false, problem });
  });

  it('refuses a file that does not exist and a folder', () => {
    const dir = dirs.make();
    const missing = path.join(dir, 'gone.sqlite');
    expect(databasePersistence(`sqlite:${missing}`, 'DB').problem).toBe(`DB: ${missing} does not exist`);
    mkdirSync(path.join(dir, 'folder.db'));
    expect(databasePersistence(path.join(dir, 'folder.db'), 'DB').problem).toMatch(/is not a regular file$/);
  });
});

describe('sqliteWal', () => {
  it('measures the journal mode of a real SQLite file against wal', () => {
    expect(sqliteWal(`sqlite:${sqliteFile('wal')}`)).toMatchObject({
      applicable: true,
      mode: 'wal',
      measurement: { name: 'journal-mode', actual: 'wal', passed: true },
    });
    expect(sqliteWal(`sqlite:${sqliteFile('delete')}`)).toMatchObject({
      applicable: true,
      mode: 'rollback',
      measurement: { passed: false },
    });
  });

  it('is not applicable, with the reason, to servers and in-memory databases', () => {
    expect(sqliteWal('mysql://root@127.0.0.1/app')).toEqual({
      applicable: false,
      reason: 'the database is mysql, not SQLite',
    });
    expect(sqliteWal(':memory:')).toMatchObject({ applicable: false });
  });
});
