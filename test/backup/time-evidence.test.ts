import { createHash } from 'node:crypto';
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ageMeasurement } from '../../src/checks/backup/backup-time.ts';
import { backupHygiene } from '../../src/checks/backup/hygiene.ts';
import { type BackupManifest, writeManifest } from '../../src/checks/backup/manifest.ts';
import { mariadbCompleted, pgArchiveCreated, zonedTime } from '../../src/checks/backup/recorded-time.ts';
import { type TakenBackup, takeBackup } from '../../src/checks/backup/take-backup.ts';
import { verifyBackup } from '../../src/checks/backup/verify-backup.ts';
import { seedDemo, tempDirs } from './helpers.ts';
import {
  createMysqlDatabase,
  createPgDatabase,
  MYSQL_ADMIN_URL,
  mysqlQuery,
  PG_ADMIN_URL,
  pgQuery,
  type TestDatabase,
} from './servers.ts';

const dirs = tempDirs();
const dbs: TestDatabase[] = [];
const HOUR = 3600e3;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

afterAll(async () => {
  for (const db of dbs) await db.drop();
  dirs.cleanup();
});

/** The manifest rewritten to claim another consistent point (and end), as a lying tool would. */
async function claim(taken: TakenBackup, consistentAt: number, finishedAt = consistentAt + 1000) {
  const m: BackupManifest = {
    ...taken.manifest,
    consistentAt: iso(consistentAt),
    startedAt: iso(consistentAt - 1000),
    finishedAt: iso(finishedAt),
  };
  await writeManifest(taken.path, m);
}

/** Sets the backup file's access and modification times (a copy that kept, or lost, its times). */
const touch = (path: string, at: number) => utimesSync(path, new Date(at), new Date(at));

const sqlite = {} as { taken: TakenBackup; dir: string };
const pgTaken = {} as { custom: TakenBackup; directory: TakenBackup };
let mariadb: TestDatabase;

beforeAll(async () => {
  const src = dirs.make();
  await (await seedDemo(`sqlite:${join(src, 'demo.sqlite')}`, 2)).close();
  sqlite.dir = dirs.make();
  sqlite.taken = await takeBackup({
    databaseUrl: `sqlite:${join(src, 'demo.sqlite')}`,
    dir: sqlite.dir,
    name: 'demo',
  });
  const pgSource = await createPgDatabase('rollgate_time');
  dbs.push(pgSource);
  await pgQuery(pgSource.url, 'CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1), (2)');
  pgTaken.custom = await takeBackup({ databaseUrl: pgSource.url, dir: dirs.make(), format: 'pg-custom' });
  pgTaken.directory = await takeBackup({
    databaseUrl: pgSource.url,
    dir: dirs.make(),
    format: 'pg-directory',
  });
  mariadb = await createMysqlDatabase('rollgate_time');
  dbs.push(mariadb);
  await mysqlQuery(mariadb.url, 'CREATE TABLE t (id INT PRIMARY KEY) ENGINE=InnoDB');
  await mysqlQuery(mariadb.url, 'INSERT INTO t VALUES (1), (2)');
});

describe('a manifest dated in the future', () => {
  it('never passes backup age: hygiene fails with both times instead of a negative age', async () => {
    const now = Date.parse(sqlite.taken.manifest.consistentAt);
    await claim(sqlite.taken, now + HOUR);
    const r = await backupHygiene({
      dir: sqlite.dir,
      pattern: 'demo-*',
      rpoSeconds: 3600,
      maxShrinkPercent: 50,
      retention: { minCount: 1, minDays: 0 },
      now: new Date(now),
    });
    expect(r.status).toBe('failed');
    expect(r.reason).toBe(
      `${basename(sqlite.taken.path)}: consistent point in the future: manifest says consistent at ${iso(now + HOUR)} but the clock here says ${iso(now)} (3600 s earlier, beyond the 120 s clock-skew tolerance); a backup cannot be from the future: check the manifest and both machines' clocks`,
    );
    const age = r.measurements.find((m) => m.name === 'backup-age')!;
    expect(age).toMatchObject({ actual: -3600, passed: false, note: 'consistent point in the future' });
  });

  it('never passes the RPO, and a point within the clock skew counts as age 0', () => {
    const now = new Date('2026-11-30T05:00:00Z');
    const rpo = { name: 'rpo', operator: '<=' as const, expected: 3600, unit: 's' };
    const ahead = ageMeasurement(rpo, new Date('2026-11-30T05:10:00Z'), now);
    expect(ahead.measurement).toMatchObject({ actual: -600, passed: false });
    expect(ahead.future).toContain(
      'manifest says consistent at 2026-11-30T05:10:00.000Z but the clock here says 2026-11-30T05:00:00.000Z (600 s earlier',
    );
    const skewed = ageMeasurement(rpo, new Date('2026-11-30T05:01:00Z'), now);
    expect(skewed).toMatchObject({ ageS: 0, measurement: { actual: 0, passed: true } });
    expect(skewed.future).toBeUndefined();
    // The tolerance is an option: 10 s of skew makes the same minute "the future".
    expect(ageMeasurement(rpo, new Date('2026-11-30T05:01:00Z'), now, 10e3).future).toContain(
      'manifest says consistent at 2026-11-30T05:01:00.000Z but the clock here says 2026-11-30T05:00:00.000Z (60 s earlier',
    );
  });

  it('fails verification: the data cannot be newer than the file holding it', async () => {
    const written = Date.parse(sqlite.taken.manifest.finishedAt);
    touch(sqlite.taken.path, written);
    await claim(sqlite.taken, written + 10 * DAY);
    const r = await verifyBackup({ backup: sqlite.taken.path });
    expect(r.status).toBe('failed');
    expect(r.reason).toBe(
      `manifest says consistent at ${iso(written + 10 * DAY)} but ${basename(sqlite.taken.path)} was last written at ${iso(written)}: the data cannot be newer than the file holding it`,
    );
    await claim(sqlite.taken, written - 1000);
    expect((await verifyBackup({ backup: sqlite.taken.path })).status).toBe('passed');
  });
});

describe('a manifest whose time disagrees with its backup', () => {
  it('pg_dump custom and directory archives: "now" on an old archive fails with both times', async () => {
    for (const taken of [pgTaken.custom, pgTaken.directory]) {
      const created = await pgArchiveCreated(taken.path);
      expect(created?.what).toBe('the pg_dump archive was created');
      // Created within the real backup: a second's truncation and the dump's start.
      expect(Math.abs(created!.at.getTime() - Date.parse(taken.manifest.consistentAt))).toBeLessThan(3000);
      // Ten days later the archive is copied (new file times) and its manifest says "now".
      const later = Date.parse(taken.manifest.consistentAt) + 10 * DAY;
      touch(taken.path, later + 60e3);
      await claim(taken, later);
      const r = await verifyBackup({ backup: taken.path, scratchUrl: PG_ADMIN_URL });
      expect(r.status).toBe('failed');
      expect(r.reason).toContain(
        `manifest says consistent at ${iso(later)} but the pg_dump archive was created at ${created!.at.toISOString()} (it records local time ${created!.local}, read in`,
      );
    }
  });

  it('pg_dump archive: a consistent point far earlier than the archive was created fails too', async () => {
    const taken = pgTaken.custom;
    const created = (await pgArchiveCreated(taken.path))!;
    await claim(taken, created.at.getTime() - 10 * DAY);
    const r = await verifyBackup({ backup: taken.path, scratchUrl: PG_ADMIN_URL });
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(
      new RegExp(
        `^manifest says consistent at ${iso(created.at.getTime() - 10 * DAY)} \\(finished at ${iso(created.at.getTime() - 10 * DAY + 1000)}\\) but the pg_dump archive was created at ${created.at.toISOString()}, after the backup finished`,
      ),
    );
  });

  it('pg_dump archive whose creation time cannot be read: errored, never skipped', async () => {
    const dir = dirs.make();
    const copy = join(dir, basename(pgTaken.custom.path));
    const bytes = readFileSync(pgTaken.custom.path);
    bytes.write('XXXXX', 0); // the "PGDMP" magic: pg_restore no longer reads the header
    writeFileSync(copy, bytes);
    await writeManifest(copy, {
      ...pgTaken.custom.manifest,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      sizeBytes: bytes.length,
    });
    const r = await verifyBackup({ backup: copy, scratchUrl: PG_ADMIN_URL });
    // The restore of the damaged archive fails too: failed outranks errored; both are reasons.
    expect(r.status).toBe('failed');
    expect(r.reason).toContain(
      `cannot read the creation time from ${basename(copy)}'s archive header (pg_restore --list): the manifest's time cannot be cross-checked`,
    );
  });

  it("mariadb-dump: the trailer is the dump's local time, read in its time zone", async () => {
    const previous = process.env.TZ;
    process.env.TZ = 'Asia/Tokyo';
    let taken: TakenBackup;
    try {
      taken = await takeBackup({ databaseUrl: mariadb.url, dir: dirs.make() });
    } finally {
      if (previous === undefined) delete process.env.TZ;
      else process.env.TZ = previous;
    }
    const verify = (timeZone: string) =>
      verifyBackup({ backup: taken.path, scratchUrl: MYSQL_ADMIN_URL, timeZone });
    const tokyo = await verify('Asia/Tokyo');
    expect(tokyo.reason).toMatch(/match the manifest/);
    expect(tokyo.status).toBe('passed');
    // Read as UTC, Tokyo's wall clock is 9 hours late: the dump seems to end after the backup did.
    const utc = await verify('UTC');
    expect(utc.status).toBe('failed');
    expect(utc.reason).toMatch(
      /after the backup finished: the manifest's time is far earlier than the backup's own \(it records local time .*, read in UTC; if the backup was taken in another time zone, run with TZ set to that zone\)$/,
    );
    // "Now" on a dump completed ten days earlier (a fresh copy of an old dump).
    const later = Date.parse(taken.manifest.consistentAt) + 10 * DAY;
    touch(taken.path, later + 60e3);
    await claim(taken, later);
    const stale = await verify('Asia/Tokyo');
    expect(stale.status).toBe('failed');
    expect(stale.reason).toMatch(
      new RegExp(`^manifest says consistent at ${iso(later)} but mariadb-dump completed the dump at 20`),
    );
  });
});

describe('reading recorded local times', () => {
  it('converts wall-clock times of any zone, daylight saving included', () => {
    expect(zonedTime('2026-07-01 12:00:00', 'America/New_York')?.toISOString()).toBe(
      '2026-07-01T16:00:00.000Z',
    );
    expect(zonedTime('2026-01-15 12:00:00', 'America/New_York')?.toISOString()).toBe(
      '2026-01-15T17:00:00.000Z',
    );
    expect(zonedTime('2026-11-30 05:50:15', 'UTC')?.toISOString()).toBe('2026-11-30T05:50:15.000Z');
    expect(mariadbCompleted('-- Dump completed on 2026-11-30  5:50:15', 'Asia/Tokyo')).toMatchObject({
      at: new Date('2026-11-29T20:50:15Z'),
      local: '2026-11-30 5:50:15',
      timeZone: 'Asia/Tokyo',
    });
    expect(mariadbCompleted('-- Dump completed', 'UTC')).toBeUndefined();
    expect(() => zonedTime('2026-11-30 05:50:15', 'Mars/Olympus')).toThrow(
      /unknown time zone "Mars\/Olympus"/,
    );
  });
});
