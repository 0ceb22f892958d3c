import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckFailure, ObservationError } from '../../src/checks/authoring/errors.ts';
import { digestPath } from '../../src/checks/backup/digest.ts';
import { backupHygiene, type HygieneOptions } from '../../src/checks/backup/hygiene.ts';
import { type BackupManifest, writeManifest } from '../../src/checks/backup/manifest.ts';
import { assertOutcome } from '../../src/checks/backup/outcome.ts';
import { tempDirs } from './helpers.ts';

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

const NOW = new Date('2026-01-31T12:00:00Z');
const HOUR = 3600e3;
const DAY = 24 * HOUR;

/** A backup file of `bytes` random bytes taken `ageMs` before NOW, with (or without) its manifest. */
async function fake(
  dir: string,
  name: string,
  ageMs: number,
  bytes = 1000,
  manifest = true,
): Promise<string> {
  const path = join(dir, name);
  writeFileSync(path, randomBytes(bytes));
  if (!manifest) return path;
  const d = await digestPath(path);
  const at = new Date(NOW.getTime() - ageMs).toISOString();
  const m: BackupManifest = {
    manifestVersion: 1,
    engine: 'sqlite',
    format: 'sqlite',
    file: name,
    sizeBytes: d.sizeBytes,
    sha256: d.sha256,
    consistentAt: at,
    consistency: 'test',
    startedAt: at,
    finishedAt: at,
    tables: { t: 1 },
    source: { database: 'demo' },
    tool: 'test',
    rollgateVersion: '0.0.0',
  };
  await writeManifest(path, m);
  return path;
}

/** 31 daily backups, the newest 30 minutes old, each a little bigger than the one before. */
async function healthyDir(): Promise<string> {
  const dir = dirs.make();
  for (let day = 0; day <= 30; day++)
    await fake(dir, `demo-${String(30 - day).padStart(2, '0')}.sqlite`, day * DAY + HOUR / 2, 10_000 - day);
  return dir;
}

const opts = (dir: string, extra: Partial<HygieneOptions> = {}): HygieneOptions => ({
  dir,
  pattern: 'demo-*.sqlite',
  rpoSeconds: 3600,
  maxShrinkPercent: 20,
  retention: { minCount: 30, minDays: 30 },
  now: NOW,
  ...extra,
});

describe('backup hygiene', () => {
  it('passes a healthy folder; partial, empty and foreign files are never the newest backup', async () => {
    const dir = await healthyDir();
    // Newer than everything, but not backups.
    writeFileSync(join(dir, 'demo-99.sqlite.tmp'), randomBytes(100));
    writeFileSync(join(dir, 'demo-98.sqlite'), '');
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    const r = await backupHygiene(opts(dir));
    expect(r.reason).toBe('newest backup demo-30.sqlite is 1800 s old, 31 kept over 30.02 days');
    expect(r.status).toBe('passed');
    expect(r.newest?.name).toBe('demo-30.sqlite');
    expect(r.ignored).toEqual([
      { name: 'demo-98.sqlite', why: 'empty (0 bytes)' },
      { name: 'demo-99.sqlite.tmp', why: 'partial (.tmp)' },
    ]);
    expect(r.measurements.map((m) => [m.name, m.actual, m.passed])).toEqual([
      ['backup-sha256', r.newest?.manifest?.sha256, true],
      ['backup-size', 10_000, true],
      ['backup-age', 1800, true],
      ['backup-shrink', 0, true],
      ['backup-count', 31, true],
      ['backup-history-days', 30.02, true],
    ]);
    expect(() => assertOutcome(r)).not.toThrow();
  });

  it('fails a newest backup older than the RPO', async () => {
    const dir = dirs.make();
    await fake(dir, 'demo-1.sqlite', 2 * HOUR);
    const r = await backupHygiene(opts(dir, { retention: { minCount: 1, minDays: 0 } }));
    expect(r.status).toBe('failed');
    expect(r.reason).toBe(
      'backup older than RPO: newest backup demo-1.sqlite is from 2026-01-31T10:00:00.000Z (7200 s ago), RPO is 3600 s',
    );
    expect(() => assertOutcome(r)).toThrow(CheckFailure);
  });

  it('fails a backup that shrank more than the budget against the previous one', async () => {
    const dir = dirs.make();
    await fake(dir, 'demo-1.sqlite', DAY, 1000);
    await fake(dir, 'demo-2.sqlite', HOUR / 2, 400);
    const r = await backupHygiene(opts(dir, { retention: { minCount: 1, minDays: 0 } }));
    expect(r.status).toBe('failed');
    expect(r.reason).toBe(
      'backup shrank by 60%: demo-2.sqlite is 400 bytes, the previous demo-1.sqlite 1000; budget 20%',
    );
  });

  it('fails when the newest backup does not match its manifest, or has none', async () => {
    const dir = dirs.make();
    const path = await fake(dir, 'demo-1.sqlite', HOUR / 2);
    writeFileSync(path, randomBytes(1000));
    const r = await backupHygiene(opts(dir, { retention: { minCount: 1, minDays: 0 } }));
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(
      /^manifest checksum mismatch: sha256 of demo-1\.sqlite is [0-9a-f]{12}…, manifest says [0-9a-f]{12}…$/,
    );
    const bare = dirs.make();
    await fake(bare, 'demo-1.sqlite', HOUR / 2, 1000, false);
    const r2 = await backupHygiene(opts(bare, { retention: { minCount: 1, minDays: 0 } }));
    expect(r2.reason).toMatch(
      /^demo-1\.sqlite: manifest missing: no demo-1\.sqlite\.manifest\.json beside the backup/,
    );
  });

  it('fails when too few backups or too little history are kept', async () => {
    const dir = dirs.make();
    await fake(dir, 'demo-1.sqlite', 2 * DAY);
    await fake(dir, 'demo-2.sqlite', HOUR / 2);
    const r = await backupHygiene(opts(dir));
    expect(r.status).toBe('failed');
    expect(r.reason).toBe(
      'retention: 2 backup(s) kept, at least 30 required; retention: the oldest backup demo-1.sqlite is 2 days old, at least 30 days of history required',
    );
  });

  it('fails with no backup at all: a broken backup process, not an observation problem', async () => {
    const dir = dirs.make();
    writeFileSync(join(dir, 'demo-1.sqlite.tmp'), randomBytes(10));
    writeFileSync(join(dir, 'demo-2.sqlite'), '');
    const r = await backupHygiene(opts(dir));
    expect(r.status).toBe('failed');
    expect(r.reason).toBe(
      `no backup found in ${dir} matching demo-*.sqlite (ignored: demo-1.sqlite.tmp partial (.tmp), demo-2.sqlite empty (0 bytes))`,
    );
    expect(r.measurements).toEqual([
      expect.objectContaining({ name: 'backup-age', actual: null, passed: false }),
    ]);
  });

  it('errors when the backup folder cannot be read', async () => {
    // Tests run as root, which chmod 000 does not stop; a file where the folder should be does.
    const dir = dirs.make();
    writeFileSync(join(dir, 'backups'), 'not a folder');
    const r = await backupHygiene(opts(join(dir, 'backups')));
    expect(r.status).toBe('errored');
    expect(r.reason).toBe(`backup directory unreadable: ${join(dir, 'backups')} is not a directory`);
    expect(() => assertOutcome(r)).toThrow(ObservationError);
    const missing = await backupHygiene(opts(join(dir, 'nowhere')));
    expect(missing.status).toBe('errored');
    expect(missing.reason).toMatch(/nowhere does not exist$/);
  });

  it('counts pg_dump directory-format backups by the size of their files', async () => {
    const dir = dirs.make();
    mkdirSync(join(dir, 'app-1.pgdir'));
    writeFileSync(join(dir, 'app-1.pgdir', 'toc.dat'), randomBytes(300));
    writeFileSync(join(dir, 'app-1.pgdir', '3001.dat.gz'), randomBytes(700));
    mkdirSync(join(dir, 'app-2.pgdir'));
    const r = await backupHygiene(
      opts(dir, { pattern: 'app-*.pgdir', retention: { minCount: 1, minDays: 0 } }),
    );
    expect(r.newest).toMatchObject({ name: 'app-1.pgdir', sizeBytes: 1000, isDirectory: true });
    expect(r.ignored).toEqual([{ name: 'app-2.pgdir', why: 'empty (0 bytes)' }]);
  });
});
