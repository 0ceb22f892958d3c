import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ObservationError } from '../../src/checks/authoring/errors.ts';
import { checkRuntimeConfig } from '../../src/checks/builtin/runtime-config.ts';
import { parseDatabaseUrl } from '../../src/checks/probes/database.ts';
import { databasePersistence, sqliteWal } from '../../src/checks/probes/runtime-config.ts';
import { Runbook } from '../../src/model/runbook.ts';
import { tempDirs, thrown } from './helpers.ts';

/**
 * SQLite's URI filenames as apps write their DATABASE_URL (`file:/data/app.db?mode=wal`): read as
 * the file they name, so runtime-config judges persistence and WAL on that file, and in-memory
 * forms as not persistent.
 */
const dirs = tempDirs('rollgate-file-url-');
afterAll(() => dirs.cleanup());

function sqliteFile(dir: string, name: string, journal: 'wal' | 'delete'): string {
  const file = path.join(dir, name);
  const db = new Database(file);
  db.pragma(`journal_mode = ${journal}`);
  db.exec('create table t (x integer)');
  db.close();
  return file;
}

describe('parseDatabaseUrl on file: URLs', () => {
  const cwd = path.join(path.sep, 'srv', 'app');

  it.each([
    ['file:/data/paintbox.db?mode=wal', '/data/paintbox.db'],
    ['file:/data/paintbox.db', '/data/paintbox.db'],
    ['file:data/paintbox.db?mode=wal&cache=private', path.join(cwd, 'data/paintbox.db')],
    ['file:///data/paintbox.db?mode=wal', '/data/paintbox.db'],
    ['file://localhost/data/paintbox.db', '/data/paintbox.db'],
    ['FILE:/data/paintbox.db', '/data/paintbox.db'],
    ['file:/data/my%20app.db?mode=wal', '/data/my app.db'],
    ['  file:/data/paintbox.db?mode=wal  ', '/data/paintbox.db'],
  ])('reads %j as the SQLite file %s', (url, file) => {
    expect(parseDatabaseUrl(url, cwd)).toEqual({ engine: 'sqlite', file, memory: false });
  });

  it.each([
    'file::memory:',
    'file::memory:?cache=shared',
    'file:memdb1?mode=memory&cache=shared',
    'file:/data/paintbox.db?vfs=memdb',
    'file:',
    'file:?mode=wal',
    'file://',
    ':memory:',
  ])('reads %j as an in-memory SQLite database', (url) => {
    expect(parseDatabaseUrl(url, cwd)).toEqual({ engine: 'sqlite', file: ':memory:', memory: true });
  });

  it('refuses a file: URL naming another host, as SQLite does (a configuration error, not a pass)', () => {
    const e = thrown(() => parseDatabaseUrl('file://db.internal/data/paintbox.db', cwd));
    expect(e).toBeInstanceOf(ObservationError);
    expect(e.code).toBe('ROLLGATE_CONFIG');
    expect(e.message).toContain('"db.internal"');
  });

  it('refuses a broken %-escape', () => {
    expect(thrown(() => parseDatabaseUrl('file:/data/a%zz.db', cwd))).toBeInstanceOf(ObservationError);
  });
});

describe('persistence and WAL of a file: URL', () => {
  const dir = dirs.make();
  const wal = sqliteFile(dir, 'wal.db', 'wal');
  const rollback = sqliteFile(dir, 'rollback.db', 'delete');

  it('a file that exists is persistent; its journal mode is read from the file', () => {
    const url = `file:${wal}?mode=wal`;
    expect(databasePersistence(url, 'DATABASE_URL')).toEqual({
      persistent: true,
      location: `sqlite file ${wal}`,
    });
    expect(sqliteWal(url)).toMatchObject({ applicable: true, mode: 'wal', measurement: { passed: true } });
    expect(sqliteWal(`file://${rollback}`)).toMatchObject({
      applicable: true,
      mode: 'rollback',
      measurement: { passed: false },
    });
  });

  it('mode=wal in the URL is not taken for the journal mode: the file says rollback', () => {
    expect(sqliteWal(`file:${rollback}?mode=wal`)).toMatchObject({ mode: 'rollback' });
  });

  it('file::memory: and a missing file are not persistent, each with its reason', () => {
    expect(databasePersistence('file::memory:?cache=shared', 'DATABASE_URL')).toMatchObject({
      persistent: false,
      problem: 'DATABASE_URL points at an in-memory database',
    });
    const missing = path.join(dir, 'data', 'never-written.db');
    expect(databasePersistence(`file:${missing}?mode=wal`, 'DATABASE_URL')).toMatchObject({
      persistent: false,
      problem: `DATABASE_URL: ${missing} does not exist`,
    });
  });
});

describe('the runtime-config built-in on a file: URL', () => {
  const declaration = (() => {
    const rb = Runbook.parse({
      name: 'file-url',
      targets: {
        t: {
          baseURL: 'http://127.0.0.1:9',
          requiredEnv: ['DATABASE_URL'],
          databaseUrlEnv: 'DATABASE_URL',
          requireWal: true,
        },
      },
      stages: { s: { target: 't', checks: ['runtime-config'] } },
    });
    const { baseURL: _b, ...d } = rb.targets.t!;
    return d;
  })();
  const run = (url: string) =>
    checkRuntimeConfig(declaration, {
      baseURL: 'http://127.0.0.1:9',
      release: '1.0.0',
      env: { DATABASE_URL: url },
      root: dirs.make(),
    });

  it('passes a WAL database under a data folder, measuring persistence and journal mode', async () => {
    const data = path.join(dirs.make(), 'data');
    mkdirSync(data);
    const file = sqliteFile(data, 'paintbox.db', 'wal');
    const a = await run(`file:${file}?mode=wal`);
    expect(a.rules.map((r) => [r.rule, r.passed, r.seen])).toEqual([
      ['database-persistent', true, 'yes'],
      ['journal-mode', true, 'wal'],
    ]);
    expect(a.message).toBeUndefined();
  });

  it('fails file::memory: on persistence, saying data would be lost', async () => {
    const a = await run('file::memory:?cache=shared');
    expect(a.rules.find((r) => r.rule === 'database-persistent')).toMatchObject({
      passed: false,
      seen: 'no',
    });
    expect(a.message).toBe('DATABASE_URL points at an in-memory database: data would be lost on restart');
  });

  it('fails a rollback-journal file on WAL', async () => {
    const file = sqliteFile(dirs.make(), 'old.db', 'delete');
    const a = await run(`file:${file}`);
    expect(a.rules.find((r) => r.rule === 'journal-mode')).toMatchObject({ passed: false, seen: 'rollback' });
    expect(a.message).toContain('runs in rollback journal mode, not WAL');
  });
});
