import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../demo/db/store.ts';
import { type TakenBackup, takeBackup } from '../../src/checks/backup/take-backup.ts';
import { verifyBackup } from '../../src/checks/backup/verify-backup.ts';
import {
  cutInMiddle,
  fingerprint,
  manifestFor,
  manifestPathFor,
  readJson,
  seedDemo,
  tempDirs,
  VARIANTS,
  xorByte,
  zeroRange,
} from './helpers.ts';

const dirs = tempDirs();
let root: string;
let source: string;
let store: Store;
let good: TakenBackup;
let leaf: { offset: number; pageSize: number };

beforeAll(async () => {
  root = dirs.make();
  source = join(root, 'live', 'demo.sqlite');
  store = await seedDemo(`sqlite:${source}`, 60);
  // Move the first 60 estimates into the main file; the next 5 stay in the -wal only, as on a
  // live database between checkpoints. A bare copy of the main file then misses them.
  const side = new Database(source);
  side.pragma('wal_checkpoint(TRUNCATE)');
  side.close();
  await seedDemo(`sqlite:${source}`, 5, store);
  good = await takeBackup({ databaseUrl: `sqlite:${source}`, dir: join(root, 'backups') });
  // A leaf page of line_items' b-tree, found with dbstat on a scratch copy (never on the backup).
  const probe = join(root, 'probe.sqlite');
  copyFileSync(good.path, probe);
  const db = new Database(probe, { readonly: true });
  const pageSize = Number(db.pragma('page_size', { simple: true }));
  const pageno = Number(
    db
      .prepare(
        "SELECT pageno FROM dbstat WHERE name = 'line_items' AND pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET 1",
      )
      .pluck()
      .get(),
  );
  db.close();
  leaf = { offset: (pageno - 1) * pageSize, pageSize };
});

afterAll(async () => {
  await store?.close();
  dirs.cleanup();
});

describe('taking a SQLite backup', () => {
  it('writes a self-contained copy with the rows still in the -wal, and its manifest', () => {
    expect(existsSync(`${source}-wal`)).toBe(true);
    expect(good.manifest).toMatchObject({
      engine: 'sqlite',
      format: 'sqlite',
      tables: { users: 1, estimates: 65, line_items: 325, sessions: 0 },
    });
    // Rollback journal (bytes 18-19 = 1): the copy needs no -wal to be whole.
    expect([...readFileSync(good.path).subarray(18, 20)]).toEqual([1, 1]);
    expect(readJson(manifestPathFor(good.path))).toEqual(good.manifest);
    expect(readdirSync(join(root, 'backups')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(Date.parse(good.manifest.consistentAt)).toBeLessThanOrEqual(Date.parse(good.manifest.finishedAt));
  });
});

describe('verifying a SQLite backup', () => {
  it('passes a good backup without changing the source, the backup or the backup folder', async () => {
    const watched = [source, `${source}-wal`, good.path, manifestPathFor(good.path)];
    const before = fingerprint(watched);
    const listing = readdirSync(join(root, 'backups')).sort();
    const r = await verifyBackup({
      backup: good.path,
      invariants: [
        {
          name: 'every line item has its estimate',
          sql: 'SELECT count(*) FROM line_items li LEFT JOIN estimates e ON e.id = li.estimate_id WHERE e.id IS NULL',
          expect: 0,
        },
      ],
    });
    expect(r.reason).toMatch(/integrity ok/);
    expect(r.status).toBe('passed');
    expect(r.measurements).toContainEqual(
      expect.objectContaining({ name: 'rows:line_items', actual: 325, passed: true }),
    );
    expect(r.measurements).toContainEqual(expect.objectContaining({ name: 'integrity-check', actual: 'ok' }));
    expect(fingerprint(watched)).toEqual(before);
    // No -shm or -wal appeared beside the backup.
    expect(readdirSync(join(root, 'backups')).sort()).toEqual(listing);
    expect(r.scratch).toBeUndefined();
  });

  it('checks a rollback-journal backup in place, read-only: its bytes and mtime unchanged, nothing beside it', async () => {
    const dir = dirs.make();
    const file = join(dir, 'in-place.sqlite');
    copyFileSync(good.path, file);
    await manifestFor(file, good.manifest, 'manifest recomputed over the bad file');
    const before = { bytes: readFileSync(file), mtimeMs: statSync(file).mtimeMs };
    const listing = readdirSync(dir).sort();
    // No temporary copy: a folder for one that does not exist cannot stop it.
    const r = await verifyBackup({ backup: file, tmpDir: join(dir, 'no-such-folder') });
    expect(r.status).toBe('passed');
    expect(r.notes.join('\n')).toMatch(/checked in place, read-only/);
    expect(r.measurements.map((m) => m.name).slice(0, 2)).toEqual(['backup-sha256', 'backup-size']);
    expect(readFileSync(file).equals(before.bytes)).toBe(true);
    expect(statSync(file).mtimeMs).toBe(before.mtimeMs);
    expect(readdirSync(dir).sort()).toEqual(listing); // no -wal, -shm or -journal
  });

  it('checks a WAL-mode backup on a temporary copy, leaving nothing beside it', async () => {
    const dir = dirs.make();
    const file = join(dir, 'wal-mode.sqlite');
    copyFileSync(good.path, file);
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.close(); // the last connection checkpoints and removes the -wal; the header stays WAL (2)
    expect([...readFileSync(file).subarray(18, 20)]).toEqual([2, 2]);
    await manifestFor(file, good.manifest, 'manifest recomputed over the bad file');
    const before = { bytes: readFileSync(file), mtimeMs: statSync(file).mtimeMs };
    const listing = readdirSync(dir).sort();
    const r = await verifyBackup({ backup: file });
    expect(readdirSync(dir).sort()).toEqual(listing);
    expect(readFileSync(file).equals(before.bytes)).toBe(true);
    expect(statSync(file).mtimeMs).toBe(before.mtimeMs);
    expect(r.status).toBe('passed');
    expect(r.notes).toContain('checked on a temporary copy');
  });

  it('keeps the restored copy for the drill when asked, until it is dropped', async () => {
    const r = await verifyBackup({ backup: good.path, keepScratch: true });
    expect(r.status).toBe('passed');
    expect(r.scratch?.url).toBe(`sqlite:${r.scratch?.name}`);
    expect(existsSync(r.scratch!.name)).toBe(true);
    await r.scratch!.drop();
    expect(existsSync(r.scratch!.name)).toBe(false);
  });

  it('fails an invariant that does not hold, and refuses one that writes', async () => {
    const r = await verifyBackup({
      backup: good.path,
      invariants: [
        { name: 'at least 100 estimates', sql: 'SELECT count(*) >= 100 FROM estimates', expect: true },
        { name: 'sneaky', sql: 'DELETE FROM estimates', expect: 0 },
      ],
    });
    expect(r.status).toBe('failed');
    expect(r.reason).toContain('invariant "at least 100 estimates": got false, expected true');
    expect(r.reason).toContain('invariant "sneaky": query failed: not a read-only query');
  });

  it('fails on a manifest whose checksum does not match an intact file, and says only that', async () => {
    const copy = join(dirs.make(), 'renamed.sqlite');
    copyFileSync(good.path, copy);
    await manifestFor(copy, { ...good.manifest, sha256: 'f'.repeat(64) }, 'manifest from the good backup');
    const r = await verifyBackup({ backup: copy });
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(
      /^manifest checksum mismatch: sha256 of renamed\.sqlite is [0-9a-f]{12}…, manifest says ffffffffffff…$/,
    );
  });

  it('fails without a manifest, and when the backup is not there', async () => {
    const copy = join(dirs.make(), 'bare.sqlite');
    copyFileSync(good.path, copy);
    const r = await verifyBackup({ backup: copy });
    expect(r.status).toBe('failed');
    expect(r.reason).toBe('manifest missing: no bare.sqlite.manifest.json beside the backup');
    const gone = await verifyBackup({ backup: join(dirs.make(), 'gone.sqlite'), manifest: good.manifest });
    expect(gone.status).toBe('failed');
    expect(gone.reason).toMatch(/backup missing: .*gone\.sqlite does not exist/);
  });

  it('fails when the time budget is too small', async () => {
    const r = await verifyBackup({ backup: good.path, budgetMs: 1 });
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/time budget exceeded: verification (stopped|took) after \d+ ms, budget 1 ms/);
  });
});

describe.each(VARIANTS)('SQLite faults, %s', (variant) => {
  const recomputed = variant === 'manifest recomputed over the bad file';

  async function faulty(name: string, make: (path: string) => void) {
    const path = join(dirs.make(), name);
    make(path);
    await manifestFor(path, good.manifest, variant);
    const r = await verifyBackup({ backup: path });
    expect(r.status).toBe('failed');
    expect(r.ok).toBe(false);
    if (recomputed) expect(r.reason).not.toMatch(/checksum|size mismatch/);
    else expect(r.reason).toMatch(/^manifest checksum mismatch/);
    return r.reason;
  }

  it('a truncated file', async () => {
    const reason = await faulty('truncated.sqlite', (p) => {
      copyFileSync(good.path, p);
      cutInMiddle(p);
    });
    expect(reason).toMatch(/integrity_check: database disk image is malformed$/);
  });

  it('one byte flipped (the page type of a line_items page)', async () => {
    const reason = await faulty('flipped.sqlite', (p) => {
      copyFileSync(good.path, p);
      xorByte(p, leaf.offset);
    });
    expect(reason).toMatch(/integrity_check: Tree \d+ page \d+: btreeInitPage\(\) returns error code 11/);
  });

  it('a zeroed page of the line_items b-tree', async () => {
    const reason = await faulty('zeroed.sqlite', (p) => {
      copyFileSync(good.path, p);
      zeroRange(p, leaf.offset, leaf.pageSize);
    });
    expect(reason).toMatch(/integrity_check: Tree \d+ page \d+: btreeInitPage\(\) returns error code 11/);
  });

  it('a copy of the live WAL database without its -wal', async () => {
    const reason = await faulty('bare-copy.sqlite', (p) => copyFileSync(source, p));
    expect(reason).toContain('row count mismatch: table estimates has 60, manifest says 65');
    expect(reason).toContain('row count mismatch: table line_items has 300, manifest says 325');
  });

  it('an empty file', async () => {
    const reason = await faulty('empty.sqlite', (p) => writeFileSync(p, ''));
    expect(reason).toMatch(/empty backup: empty\.sqlite is 0 bytes/);
  });
});
