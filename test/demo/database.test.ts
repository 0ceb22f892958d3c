import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../demo/db/open-store.ts';
import { DatabaseUrlError, maskDatabaseUrl, parseDatabaseUrl } from '../../demo/db/url.ts';
import type { DemoServer } from '../../demo/server.ts';
import { Client, startTestDemo, tempDirs } from './helpers.ts';

const dirs = tempDirs();
const servers: DemoServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  dirs.cleanup();
});

async function start(dir: string, file = 'demo.sqlite'): Promise<DemoServer> {
  const demo = await startTestDemo(dir, { databaseUrl: `sqlite:${join(dir, file)}` });
  servers.push(demo);
  return demo;
}

describe('database URLs', () => {
  it('parses the SQLite forms, resolving relative paths against the working directory', () => {
    expect(parseDatabaseUrl('sqlite:data/x.sqlite', '/srv')).toEqual({
      engine: 'sqlite',
      path: '/srv/data/x.sqlite',
    });
    expect(parseDatabaseUrl('sqlite:///var/x.db', '/srv')).toEqual({ engine: 'sqlite', path: '/var/x.db' });
    expect(parseDatabaseUrl('/var/x.sqlite', '/srv')).toEqual({ engine: 'sqlite', path: '/var/x.sqlite' });
    expect(parseDatabaseUrl('rel/x.db', '/srv')).toEqual({ engine: 'sqlite', path: '/srv/rel/x.db' });
    expect(() => parseDatabaseUrl('sqlite://relative.db')).toThrow(/absolute path/);
    expect(() => parseDatabaseUrl('redis://localhost')).toThrow(/unrecognised database URL/);
  });

  it.each([
    ':memory:',
    'sqlite::memory:',
    'sqlite://:memory:',
    'sqlite:',
    'sqlite:file::memory:?cache=shared',
  ])('refuses in-memory SQLite (%s)', async (url) => {
    await expect(openStore(url)).rejects.toThrow(DatabaseUrlError);
    await expect(startTestDemo(dirs.make(), { databaseUrl: url })).rejects.toThrow(
      /persistent database file/,
    );
  });

  it('names an unreachable PostgreSQL or MariaDB server with the password masked', async () => {
    await expect(openStore('postgres://app:s3cret@127.0.0.1:1/app')).rejects.toThrow(
      'postgres://app:***@127.0.0.1:1/app: cannot open PostgreSQL database',
    );
    await expect(openStore('mysql://root@127.0.0.1:1/app')).rejects.toThrow(/cannot open MariaDB database/);
    expect(maskDatabaseUrl('postgresql://u:p@h/d')).toBe('postgresql://u:***@h/d');
  });
});

describe('SQLite file', () => {
  it('is in WAL mode on disk, with the schema and the hashed demo user', async () => {
    const dir = dirs.make();
    const path = join(dir, 'nested', 'dir', 'demo.sqlite');
    const demo = await startTestDemo(dir, { databaseUrl: `sqlite:${path}` });
    servers.push(demo);
    // Bytes 18 and 19 of the header (file format write/read version) are 2 in WAL mode.
    const header = Buffer.alloc(20);
    const fd = openSync(path, 'r');
    readSync(fd, header, 0, 20, 0);
    closeSync(fd);
    expect(header.subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
    expect([header[18], header[19]]).toEqual([2, 2]);

    const other = new Database(path, { readonly: true });
    try {
      expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
      const tables = other
        .prepare("select name from sqlite_master where type = 'table' order by name")
        .pluck()
        .all();
      expect(tables).toEqual(expect.arrayContaining(['estimates', 'line_items', 'sessions', 'users']));
      const fk = other.prepare("select * from pragma_foreign_key_list('line_items')").all() as {
        table: string;
      }[];
      expect(fk.map((row) => row.table)).toEqual(['estimates']);
      const user = other.prepare('select password_hash from users where username = ?').get('demo') as {
        password_hash: string;
      };
      expect(user.password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
      expect(user.password_hash).not.toContain('demo-password');
    } finally {
      other.close();
    }
  });

  it('keeps data across a restart on the same file', async () => {
    const dir = dirs.make();
    const first = await start(dir);
    const c = new Client(first.url);
    await c.login();
    const _csrf = await c.csrf('/estimates/new');
    await c.post('/estimates', {
      _csrf,
      title: 'Kept',
      item_description: 'a',
      item_quantity: '2',
      item_unit_price: '5',
    });
    await servers.pop()!.close();

    const second = await start(dir);
    const again = new Client(second.url);
    await again.login();
    const body = (await (await again.get('/api/estimates')).json()) as { estimates: { title: string }[] };
    expect(body.estimates.map((e) => e.title)).toEqual(['Kept']);
  });
});

describe('two demos at once', () => {
  it('run on different ports with their own databases', async () => {
    const [a, b] = await Promise.all([start(dirs.make()), start(dirs.make())]);
    expect(a!.port).not.toBe(b!.port);
    const [ha, hb] = await Promise.all([fetch(`${a!.url}/api/health`), fetch(`${b!.url}/api/health`)]);
    expect([ha.status, hb.status]).toEqual([200, 200]);
  });

  it('can share one SQLite file (baseline and canary on the same data)', async () => {
    const dir = dirs.make();
    const [a, b] = await Promise.all([start(dir), start(dir)]);
    const ca = new Client(a!.url);
    await ca.login();
    const _csrf = await ca.csrf('/estimates/new');
    await ca.post('/estimates', {
      _csrf,
      title: 'Shared',
      item_description: 'a',
      item_quantity: '1',
      item_unit_price: '1',
    });
    const cb = new Client(b!.url);
    await cb.login();
    const body = (await (await cb.get('/api/estimates')).json()) as { estimates: { title: string }[] };
    expect(body.estimates.map((e) => e.title)).toContain('Shared');
  });
});
