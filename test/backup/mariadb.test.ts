import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../demo/db/open-store.ts';
import { digestPath } from '../../src/checks/backup/digest.ts';
import { type TakenBackup, takeBackup } from '../../src/checks/backup/take-backup.ts';
import { verifyBackup } from '../../src/checks/backup/verify-backup.ts';
import { cutInMiddle, manifestFor, seedDemo, tempDirs, VARIANTS } from './helpers.ts';
import { mysqlContentDigest, mysqlScratchLeft, mysqlUserExists } from './mysql-helpers.ts';
import { createMysqlDatabase, MYSQL_ADMIN_URL, type TestDatabase } from './servers.ts';

const dirs = tempDirs();
let source: TestDatabase;
let good: TakenBackup;

beforeAll(async () => {
  source = await createMysqlDatabase('rollgate_src');
  await (await seedDemo(source.url, 40)).close();
  good = await takeBackup({ databaseUrl: source.url, dir: dirs.make() });
});

afterAll(async () => {
  await source?.drop();
  dirs.cleanup();
});

const verify = (backup: string, extra: Partial<Parameters<typeof verifyBackup>[0]> = {}) =>
  verifyBackup({ backup, scratchUrl: MYSQL_ADMIN_URL, ...extra });

describe('taking a MariaDB backup', () => {
  it('writes a complete single-database dump and the row counts of its snapshot, even while the app writes', async () => {
    expect(good.manifest).toMatchObject({
      engine: 'mysql',
      format: 'mariadb-sql',
      tables: { users: 1, estimates: 40, line_items: 200, sessions: 0 },
    });
    const text = readFileSync(good.path, 'utf8');
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^-- Dump completed/);
    expect(text).not.toMatch(/^(USE|CREATE DATABASE)\b/m);
    const store = await openStore(source.url);
    let writing = true;
    const writer = (async () => {
      const user = await store.findUserByName('demo');
      for (let i = 0; writing && i < 500; i++) {
        await store.createEstimate(user!.id, `During backup ${i}`, [
          { description: 'x', quantity: 1, unitPriceCents: 1 },
        ]);
      }
    })();
    try {
      await new Promise((r) => setTimeout(r, 30));
      const during = await takeBackup({ databaseUrl: source.url, dir: dirs.make() });
      writing = false;
      await writer;
      expect(during.manifest.tables.estimates).toBeGreaterThan(40);
      const r = await verify(during.path);
      expect(r.reason).toMatch(/match the manifest/);
      expect(r.status).toBe('passed');
    } finally {
      writing = false;
      await writer.catch(() => {});
      await store.close();
    }
  });
});

describe('verifying a MariaDB backup', () => {
  it('passes a good dump as a restricted user, drops schema and user, and changes neither source nor backup', async () => {
    const before = { source: await mysqlContentDigest(source.url), backup: await digestPath(good.path) };
    let scratchName = '';
    const r = await verify(good.path, {
      invariants: [{ name: 'line items', sql: 'SELECT COUNT(*) FROM line_items', expect: 200 }],
      onScratch: (s) => {
        scratchName = s.name;
      },
    });
    expect(r.reason).toBe('restored into a scratch schema; CHECK TABLE ok; 4 table(s) match the manifest');
    expect(r.status).toBe('passed');
    expect(r.measurements).toContainEqual(expect.objectContaining({ name: 'check-table', actual: 'OK' }));
    expect(r.measurements).toContainEqual(
      expect.objectContaining({ name: 'rows:line_items', actual: 200, passed: true }),
    );
    expect(await mysqlScratchLeft()).toEqual([]);
    expect(await mysqlUserExists(scratchName.replace('rollgate_scratch_', 'rollgate_restore_'))).toBe(false);
    expect({ source: await mysqlContentDigest(source.url), backup: await digestPath(good.path) }).toEqual(
      before,
    );
  });

  it('keeps the scratch schema for the drill when asked: the demo boots on it as the restricted user', async () => {
    const r = await verify(good.path, { keepScratch: true });
    expect(r.status).toBe('passed');
    const store = await openStore(r.scratch!.url);
    try {
      expect(await store.listEstimates((await store.findUserByName('demo'))!.id)).toHaveLength(40);
    } finally {
      await store.close();
    }
    // The restricted user sees its schema only.
    await expect(openStore(r.scratch!.url.replace(/\/rollgate_scratch_\w+$/, '/mysql'))).rejects.toThrow(
      /denied/i,
    );
    await r.scratch!.drop();
    expect(await mysqlScratchLeft()).toEqual([]);
  });

  it('errors when the scratch server is unreachable, and fails on a tiny time budget', async () => {
    const r = await verifyBackup({ backup: good.path, scratchUrl: 'mysql://root@127.0.0.1:1/' });
    expect(r.status).toBe('errored');
    expect(r.reason).toMatch(/^scratch server unreachable: MariaDB at 127\.0\.0\.1:1: .*ECONNREFUSED/);
    const slow = await verify(good.path, { budgetMs: 1 });
    expect(slow.status).toBe('failed');
    expect(slow.reason).toMatch(
      /time budget exceeded: verification stopped after \d+ ms, budget 1 ms \(RTO\)/,
    );
    expect(await mysqlScratchLeft()).toEqual([]);
  });

  it.each([
    [
      'USE',
      (t: string) => t.replace('/*!40101 SET NAMES', 'USE `mysql`;\n/*!40101 SET NAMES'),
      /dump switches database: USE `mysql`; at line \d+/,
    ],
    [
      'CREATE DATABASE',
      (t: string) =>
        t.replace(
          '/*!40101 SET NAMES',
          'CREATE DATABASE /*!32312 IF NOT EXISTS*/ `other`;\n/*!40101 SET NAMES',
        ),
      /dump creates a database: CREATE DATABASE/,
    ],
    [
      'a client command',
      (t: string) => t.replace('/*!40101 SET NAMES', 'SELECT 1; \\u mysql\n/*!40101 SET NAMES'),
      /dump switches database: \\u at line \d+/,
    ],
  ])('refuses a dump with %s, never restoring it', async (_label, edit, reason) => {
    const path = join(dirs.make(), 'edited.mariadb.sql');
    writeFileSync(path, edit(readFileSync(good.path, 'utf8')));
    await manifestFor(path, good.manifest, 'manifest recomputed over the bad file');
    let created = false;
    const r = await verify(path, {
      onScratch: () => {
        created = true;
      },
    });
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(reason);
    expect(created).toBe(false);
  });
});

describe.each(VARIANTS)('MariaDB faults, %s', (variant) => {
  it('a dump cut in the middle', async () => {
    const path = join(dirs.make(), 'cut.mariadb.sql');
    cpSync(good.path, path);
    cutInMiddle(path);
    await manifestFor(path, good.manifest, variant);
    const r = await verify(path);
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/missing completion trailer "-- Dump completed": the dump is incomplete/);
    if (variant === 'manifest recomputed over the bad file') expect(r.reason).not.toMatch(/checksum/);
    else expect(r.reason).toMatch(/^manifest checksum mismatch/);
  });
});
