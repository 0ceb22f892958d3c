import { readdirSync, statSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { demoBackup, tempDir } from './drill-helpers.ts';
import { check, readVerdict, rollgate, tempReports } from './helpers.ts';

/** `npm run demo:seed && npm run demo:backup && npm run drill:dr` on SQLite, and one drill per fault family. */
describe('DR drill on SQLite', () => {
  const data = tempDir('rollgate-drill-');
  const backups = path.join(data, 'backups');
  // One store for the whole file: demo:backup records there, and every drill reads the record.
  const reports = tempReports();

  test('the newest backup restores, the demo boots on it, golden paths pass; rpo and rto recorded', async () => {
    const printed = await demoBackup(`sqlite:${path.join(data, 'demo.sqlite')}`, backups, reports);
    expect(printed).toContain(`recorded in ${path.join(reports, 'backups.jsonl')}`);
    const r = await rollgate(['gate', 'dr'], { ROLLGATE_REPORTS_DIR: reports, ROLLGATE_BACKUP_DIR: backups });
    expect(r.exitCode, r.all).toBe(0);
    const v = readVerdict(reports);
    expect(v.verdict).toBe('promote');
    expect(check(v, 'drill/backup-recorded').message).toMatch(/: recorded at \S+ in .*backups\.jsonl/);
    expect(check(v, 'drill/restore-content')).toMatchObject({
      status: 'passed',
      message: expect.stringMatching(
        /^schema \(\d+ objects\) and content of 4 table\(s\) match the manifest$/,
      ),
    });
    const rpo = check(v, 'drill/rpo').measurements[0]!;
    const rto = check(v, 'drill/rto').measurements[0]!;
    expect(rpo).toMatchObject({ name: 'rpo', operator: '<=', expected: 3600, unit: 's', passed: true });
    expect(rto).toMatchObject({ name: 'rto', operator: '<=', expected: 1800, unit: 's', passed: true });
    expect(rto.actual as number).toBeGreaterThan(0);
    expect(check(v, 'golden/login').status).toBe('passed');
  });

  test('a backup older than the RPO HOLDs on rpo', async () => {
    const later = new Date(Date.now() + 2 * 3600e3).toISOString();
    const r = await rollgate(['gate', 'dr', '--now', later], {
      ROLLGATE_REPORTS_DIR: reports,
      ROLLGATE_BACKUP_DIR: backups,
    });
    expect(r.exitCode, r.all).toBe(1);
    const c = check(readVerdict(reports), 'drill/rpo');
    expect(c.status).toBe('failed');
    expect(c.measurements[0]!.actual as number).toBeGreaterThan(3600);
  });

  test('a truncated backup HOLDs naming the checksum and the integrity check; no backup at all HOLDs', async () => {
    const file = readdirSync(backups).find((f) => f.endsWith('.sqlite'))!;
    const full = path.join(backups, file);
    truncateSync(full, Math.floor(statSync(full).size / 2));
    const r = await rollgate(['gate', 'dr'], { ROLLGATE_REPORTS_DIR: reports, ROLLGATE_BACKUP_DIR: backups });
    expect(r.exitCode, r.all).toBe(1);
    const c = check(readVerdict(reports), 'drill/verify-restore');
    expect(c.status).toBe('failed');
    expect(c.message).toMatch(/checksum|size/);

    const none = await rollgate(['gate', 'dr'], {
      ROLLGATE_REPORTS_DIR: tempReports(),
      ROLLGATE_BACKUP_DIR: tempDir('rollgate-nobackup-'),
    });
    expect(none.exitCode, none.all).toBe(1);
    expect(none.stdout).toContain('drill/backup failed: no backup in');
  });
});
