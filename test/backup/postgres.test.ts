import { cpSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../demo/db/open-store.ts';
import { pendingCleanups } from '../../src/checks/backup/cleanup-registry.ts';
import { digestPath } from '../../src/checks/backup/digest.ts';
import type { BackupFormat } from '../../src/checks/backup/manifest.ts';
import { type TakenBackup, takeBackup } from '../../src/checks/backup/take-backup.ts';
import { verifyBackup } from '../../src/checks/backup/verify-backup.ts';
import { manifestFor, seedDemo, tempDirs } from './helpers.ts';
import { pgContentDigest, pgScratchLeft } from './pg-helpers.ts';
import { createPgDatabase, PG_ADMIN_URL, type TestDatabase } from './servers.ts';

const dirs = tempDirs();
let source: TestDatabase;
const taken = {} as Record<BackupFormat, TakenBackup>;
const NO_ORPHANS = {
  name: 'every line item has its estimate',
  sql: 'SELECT count(*) FROM line_items li LEFT JOIN estimates e ON e.id = li.estimate_id WHERE e.id IS NULL',
  expect: 0,
};

beforeAll(async () => {
  source = await createPgDatabase('rollgate_src');
  await (await seedDemo(source.url, 40)).close();
  const dir = dirs.make();
  for (const format of ['pg-custom', 'pg-directory', 'pg-plain'] as const) {
    taken[format] = await takeBackup({ databaseUrl: source.url, dir, format });
  }
});

afterAll(async () => {
  await source?.drop();
  dirs.cleanup();
});

const verify = (backup: string, extra: Partial<Parameters<typeof verifyBackup>[0]> = {}) =>
  verifyBackup({ backup, scratchUrl: PG_ADMIN_URL, ...extra });

describe('taking a PostgreSQL backup', () => {
  it('records the row counts of the dumped snapshot, even while the app writes', async () => {
    expect(taken['pg-custom'].manifest).toMatchObject({
      engine: 'postgres',
      format: 'pg-custom',
      tables: { users: 1, estimates: 40, line_items: 200, sessions: 0 },
      source: { database: source.name },
    });
    expect(statSync(taken['pg-directory'].path).isDirectory()).toBe(true);
    // A writer adds estimates during the backup: the dump and the counts must still agree.
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

describe('verifying a PostgreSQL backup', () => {
  it.each(['pg-custom', 'pg-directory', 'pg-plain'] as const)(
    'passes a good %s dump, drops its scratch database, and changes neither source nor backup',
    async (format) => {
      const backup = taken[format].path;
      const before = { source: await pgContentDigest(source.url), backup: await digestPath(backup) };
      let scratchName = '';
      const r = await verify(backup, {
        invariants: [NO_ORPHANS],
        onScratch: (s) => {
          scratchName = s.name;
        },
      });
      expect(r.reason).toMatch(/restored into a scratch database; 4 table\(s\) match the manifest/);
      expect(r.status).toBe('passed');
      expect(r.measurements).toContainEqual(
        expect.objectContaining({ name: 'rows:line_items', actual: 200, passed: true }),
      );
      expect(r.measurements).toContainEqual(
        expect.objectContaining({ name: `invariant:${NO_ORPHANS.name}`, actual: 0 }),
      );
      expect(scratchName).toMatch(/^rollgate_scratch_/);
      expect(await pgScratchLeft()).toEqual([]);
      // Nothing left for a signal handler to drop: the registry is empty again.
      expect(pendingCleanups()).toEqual([]);
      expect({ source: await pgContentDigest(source.url), backup: await digestPath(backup) }).toEqual(before);
    },
  );

  it('keeps the scratch database for the drill when asked: the demo boots on it as the restore role', async () => {
    const r = await verify(taken['pg-custom'].path, { keepScratch: true });
    expect(r.status).toBe('passed');
    expect(r.scratch?.url).toMatch(
      /^postgres:\/\/rollgate_restore_[a-z0-9_]+:[^@]+@127\.0\.0\.1:5432\/rollgate_scratch_/,
    );
    const store = await openStore(r.scratch!.url);
    try {
      expect(await store.listEstimates((await store.findUserByName('demo'))!.id)).toHaveLength(40);
    } finally {
      await store.close();
    }
    expect(await pgScratchLeft()).toHaveLength(2);
    await r.scratch!.drop();
    expect(await pgScratchLeft()).toEqual([]);
  });

  it('fails a broken invariant and a manifest checksum mismatch, dropping the scratch database', async () => {
    const copy = join(dirs.make(), 'copy.pgdump');
    cpSync(taken['pg-custom'].path, copy);
    await manifestFor(
      copy,
      { ...taken['pg-custom'].manifest, sha256: '0'.repeat(64) },
      'manifest from the good backup',
    );
    const r = await verify(copy, {
      invariants: [{ name: 'one estimate only', sql: 'SELECT count(*) FROM estimates', expect: 1 }],
    });
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(
      /^manifest checksum mismatch: sha256 of copy\.pgdump is [0-9a-f]{12}…, manifest says 000000000000…/,
    );
    expect(r.reason).toContain('invariant "one estimate only": got 40, expected 1');
    expect(await pgScratchLeft()).toEqual([]);
  });

  it('errors when the scratch server is unreachable', async () => {
    const r = await verifyBackup({
      backup: taken['pg-custom'].path,
      scratchUrl: 'postgres://postgres@127.0.0.1:1/postgres',
    });
    expect(r.status).toBe('errored');
    expect(r.reason).toMatch(/^scratch server unreachable: PostgreSQL at 127\.0\.0\.1:1: .*ECONNREFUSED/);
    const none = await verifyBackup({ backup: taken['pg-custom'].path });
    expect(none.status).toBe('errored');
    expect(none.reason).toMatch(/no scratch server to restore on/);
  });

  it('fails when the restore is slower than a tiny time budget, and leaves no scratch database', async () => {
    // 1 ms: no restore is that fast, however idle the machine.
    const r = await verify(taken['pg-plain'].path, { budgetMs: 1 });
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/time budget exceeded: verification stopped after \d+ ms, budget 1 ms \(RTO\)/);
    expect(r.measurements).toContainEqual(
      expect.objectContaining({ name: 'verify-duration', expected: 1, passed: false }),
    );
    expect(await pgScratchLeft()).toEqual([]);
    const roomy = await verify(taken['pg-plain'].path, { budgetMs: 60_000 });
    expect(roomy.status).toBe('passed');
  });
});
