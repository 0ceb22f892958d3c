import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { scratchRunTag } from '../../src/checks/backup/scratch-marker.ts';
import { demoBackup, tempDir } from './drill-helpers.ts';
import { check, readVerdict, rollgate, tempReports } from './helpers.ts';

const servers = [
  {
    engine: 'PostgreSQL',
    url: (db: string) => `postgres://postgres@127.0.0.1:5432/${db}`,
    admin: (sql: string) => execa('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-qc', sql, 'postgres']),
    scratchLeft: async () =>
      (
        await execa('psql', [
          '-h',
          '127.0.0.1',
          '-U',
          'postgres',
          '-Atc',
          "select datname from pg_database where datname like 'rollgate_scratch%'",
          'postgres',
        ])
      ).stdout,
    drop: (db: string) => `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`,
  },
  {
    engine: 'MariaDB',
    url: (db: string) => `mysql://root@127.0.0.1:3306/${db}`,
    admin: (sql: string) => execa('mariadb', ['-h', '127.0.0.1', '-u', 'root', '-e', sql]),
    scratchLeft: async () =>
      (
        await execa('mariadb', [
          '-h',
          '127.0.0.1',
          '-u',
          'root',
          '-Nse',
          "show databases like 'rollgate_scratch%'",
        ])
      ).stdout,
    drop: (db: string) => `DROP DATABASE IF EXISTS ${db}`,
  },
];

const RUNBOOK = 'test/fixtures/drill-servers/demo-dr.runbook.ts';

/**
 * The drill with the demo on the machine's PostgreSQL and MariaDB servers: what differs per engine
 * is the backup (pg_dump, mariadb-dump) and its restore into a scratch database on the server, so
 * each drill here runs the demo's dr stage without its Chromium golden paths
 * (test/fixtures/drill-servers/demo-dr.runbook.ts): the demo boots on the restored database, signs
 * in with the account in it and its deep health queries it. Golden paths on a restored copy are
 * one family, gated end to end by test/e2e/drill-sqlite.test.ts ('the newest backup restores, the
 * demo boots on it, golden paths pass; rpo and rto recorded'); an app's own suite on a PostgreSQL
 * restore by test/apps/orders-api.gates.test.ts ('the drill restores the newest backup into
 * scratch, boots the API on it and PROMOTEs').
 */
describe.each(servers)('DR drill on $engine', (s) => {
  test('backup, restore into a scratch database, boot, sign-in and deep health on it: PROMOTE, scratch dropped', async () => {
    const db = `rollgate_test_drill_${randomBytes(4).toString('hex')}`;
    await s.admin(`CREATE DATABASE ${db}`);
    try {
      const backups = tempDir('rollgate-drill-srv-');
      const reports = tempReports();
      await demoBackup(s.url(db), backups, reports);
      const r = await rollgate(['gate', 'dr', '--runbook', RUNBOOK], {
        ROLLGATE_REPORTS_DIR: reports,
        ROLLGATE_BACKUP_DIR: backups,
      });
      expect(r.exitCode, r.all).toBe(0);
      const v = readVerdict(reports);
      expect(check(v, 'drill/verify-restore').status).toBe('passed');
      expect(check(v, 'drill/backup-recorded').message).toMatch(/: recorded at /);
      expect(check(v, 'drill/restore-content').status, check(v, 'drill/restore-content').message).toBe(
        'passed',
      );
      expect(v.verdict).toBe('promote');
      expect(check(v, 'drill/verify-restore').message).toContain('restored into scratch database');
      // The demo on the restored database: its account signs in, its deep health queries it.
      for (const id of ['auth/sign-in', 'probes/health-deep', 'probes/version-matches'])
        expect(check(v, id).status, id).toBe('passed');
      expect(check(v, 'drill/rto').measurements[0]).toMatchObject({ name: 'rto', passed: true });
      expect(JSON.stringify(v)).not.toMatch(/rollgate_restore_[a-z0-9_]+:[^*@]+@/);
      // The drill's scratch database carried this run's tag; none with it may be left behind.
      const tag = scratchRunTag(v.runId);
      expect(tag.length).toBeGreaterThan(10);
      expect(await s.scratchLeft()).not.toContain(tag);
    } finally {
      await s.admin(s.drop(db));
    }
  });
});
