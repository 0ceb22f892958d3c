import { hostname } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markerText } from '../../src/checks/backup/scratch-marker.ts';
import { sweepScratch } from '../../src/checks/backup/sweep.ts';
import { type TakenBackup, takeBackup } from '../../src/checks/backup/take-backup.ts';
import { seedDemo, tempDirs } from './helpers.ts';
import { mysqlUserExists } from './mysql-helpers.ts';
import {
  createMysqlDatabase,
  createPgDatabase,
  MYSQL_ADMIN_URL,
  mysqlQuery,
  PG_ADMIN_URL,
  pgQuery,
  type TestDatabase,
  uniqueName,
} from './servers.ts';

const dirs = tempDirs();
const sources: TestDatabase[] = [];
const backups = {} as Record<'postgres' | 'mysql', TakenBackup>;

beforeAll(async () => {
  const pg = await createPgDatabase('rollgate_src');
  const my = await createMysqlDatabase('rollgate_src');
  sources.push(pg, my);
  for (const db of [pg, my]) await (await seedDemo(db.url, 3)).close();
  backups.postgres = await takeBackup({ databaseUrl: pg.url, dir: dirs.make() });
  backups.mysql = await takeBackup({ databaseUrl: my.url, dir: dirs.make() });
});

afterAll(async () => {
  for (const s of sources) await s.drop();
  dirs.cleanup();
});

const pgExists = async (name: string) =>
  (
    await pgQuery(
      PG_ADMIN_URL,
      'SELECT 1 FROM pg_database WHERE datname = $1 UNION ALL SELECT 1 FROM pg_roles WHERE rolname = $2',
      [name, name.replace('rollgate_scratch_', 'rollgate_restore_')],
    )
  ).length;
const mysqlExists = async (name: string) =>
  (
    await mysqlQuery(MYSQL_ADMIN_URL, 'SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [
      name,
    ])
  ).length + Number(await mysqlUserExists(name.replace('rollgate_scratch_', 'rollgate_restore_')));

describe.each([
  { engine: 'postgres' as const, admin: PG_ADMIN_URL, exists: pgExists },
  { engine: 'mysql' as const, admin: MYSQL_ADMIN_URL, exists: mysqlExists },
])('SIGTERM during a $engine verification', ({ engine, admin, exists }) => {
  it('drops the scratch database and its role before the process dies of the signal', async () => {
    const child = execa(
      'node',
      ['--import', 'tsx', join(import.meta.dirname, 'verify-child.ts'), backups[engine].path, admin],
      {
        reject: false,
        cwd: join(import.meta.dirname, '../..'),
      },
    );
    // The child prints the scratch name once the scratch database exists, then waits.
    const name = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const line = text.split('\n')[0];
        if (text.includes('\n')) resolve((JSON.parse(line!) as { scratch: string }).scratch);
      });
      child.on('exit', () => reject(new Error(`child exited early: ${child.stderr}`)));
    });
    expect(name).toMatch(/^rollgate_scratch_/);
    expect(await exists(name)).toBe(2);
    child.kill('SIGTERM');
    const result = await child;
    expect(result.signal).toBe('SIGTERM');
    expect(await exists(name)).toBe(0);
  });
});

describe('the sweeper', () => {
  const old = new Date(Date.now() - 2 * 3600e3).toISOString();
  const young = new Date().toISOString();
  let deadPid = 0;

  beforeAll(async () => {
    // A process that has exited: its pid names a run that is no longer alive.
    const gone = execa('node', ['-e', '']);
    deadPid = gone.pid!;
    await gone;
  });

  /** Marked scratch databases: old+dead is swept; alive, young, foreign or unmarked ones stay. */
  const cases = () => ({
    oldDead: { runId: 'sweep', pid: deadPid, host: hostname(), at: old },
    oldAlive: { runId: 'sweep', pid: process.pid, host: hostname(), at: old },
    youngDead: { runId: 'sweep', pid: deadPid, host: hostname(), at: young },
    foreign: { runId: 'sweep', pid: deadPid, host: 'some-other-host', at: old },
    unmarked: undefined,
  });

  it('on PostgreSQL drops only marked, old databases (and roles) of dead runs on this host', async () => {
    const names: Record<string, string> = {};
    try {
      for (const [label, marker] of Object.entries(cases())) {
        const id = uniqueName(`sweep_${label.toLowerCase()}`);
        names[label] = `rollgate_scratch_${id}`;
        await pgQuery(PG_ADMIN_URL, `CREATE DATABASE "${names[label]}"`);
        if (marker) {
          await pgQuery(PG_ADMIN_URL, `COMMENT ON DATABASE "${names[label]}" IS '${markerText(marker)}'`);
          await pgQuery(PG_ADMIN_URL, `CREATE ROLE "rollgate_restore_${id}" NOLOGIN`);
          await pgQuery(PG_ADMIN_URL, `COMMENT ON ROLE "rollgate_restore_${id}" IS '${markerText(marker)}'`);
        }
      }
      const result = await sweepScratch({ postgresUrl: PG_ADMIN_URL });
      expect(result.dropped).toContain(names.oldDead);
      expect(await pgExists(names.oldDead!)).toBe(0);
      const kept = Object.fromEntries(result.kept.map((k) => [k.name, k.why]));
      expect(kept[names.oldAlive!]).toBe(`its run is still alive (pid ${process.pid})`);
      expect(kept[names.youngDead!]).toBe('younger than 3600000 ms');
      expect(kept[names.foreign!]).toBe('created on host some-other-host: cannot tell if its run is alive');
      expect(kept[names.unmarked!]).toBe('no rollgate marker');
      for (const label of ['oldAlive', 'youngDead', 'foreign', 'unmarked'])
        expect(await pgExists(names[label]!)).toBeGreaterThan(0);
    } finally {
      for (const name of Object.values(names)) {
        await pgQuery(PG_ADMIN_URL, `DROP DATABASE IF EXISTS "${name}"`);
        await pgQuery(
          PG_ADMIN_URL,
          `DROP ROLE IF EXISTS "${name.replace('rollgate_scratch_', 'rollgate_restore_')}"`,
        );
      }
    }
  });

  it('on MariaDB drops only marked, old schemas (and users) of dead runs on this host', async () => {
    const names: Record<string, string> = {};
    try {
      for (const [label, marker] of Object.entries(cases())) {
        const id = uniqueName(`sweep_${label.toLowerCase()}`);
        const name = `rollgate_scratch_${id}`;
        names[label] = name;
        await mysqlQuery(MYSQL_ADMIN_URL, `CREATE DATABASE \`${name}\``);
        if (marker) {
          await mysqlQuery(
            MYSQL_ADMIN_URL,
            `CREATE TABLE \`${name}\`._rollgate_scratch (run_id VARCHAR(64), pid INT, host VARCHAR(255), created_at VARCHAR(40))`,
          );
          await mysqlQuery(MYSQL_ADMIN_URL, `INSERT INTO \`${name}\`._rollgate_scratch VALUES (?, ?, ?, ?)`, [
            marker.runId,
            marker.pid,
            marker.host,
            marker.at,
          ]);
          await mysqlQuery(MYSQL_ADMIN_URL, "CREATE USER ?@'127.0.0.1' IDENTIFIED BY 'x-unused-password'", [
            `rollgate_restore_${id}`,
          ]);
        }
      }
      const result = await sweepScratch({ mysqlUrl: MYSQL_ADMIN_URL });
      expect(result.dropped).toContain(names.oldDead);
      expect(await mysqlExists(names.oldDead!)).toBe(0);
      const kept = Object.fromEntries(result.kept.map((k) => [k.name, k.why]));
      expect(kept[names.oldAlive!]).toMatch(/still alive/);
      expect(kept[names.youngDead!]).toMatch(/younger than/);
      expect(kept[names.foreign!]).toMatch(/other-host/);
      expect(kept[names.unmarked!]).toBe('no rollgate marker');
      for (const label of ['oldAlive', 'youngDead', 'foreign', 'unmarked'])
        expect(await mysqlExists(names[label]!)).toBeGreaterThan(0);
    } finally {
      for (const name of Object.values(names)) {
        await mysqlQuery(MYSQL_ADMIN_URL, `DROP DATABASE IF EXISTS \`${name}\``);
        await mysqlQuery(MYSQL_ADMIN_URL, "DROP USER IF EXISTS ?@'127.0.0.1'", [
          name.replace('rollgate_scratch_', 'rollgate_restore_'),
        ]);
      }
    }
  });
});
