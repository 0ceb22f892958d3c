import { utimesSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { writeManifest } from '../../src/checks/backup/manifest.ts';
import { takeBackup } from '../../src/checks/backup/take-backup.ts';
import { seedDemo } from '../backup/helpers.ts';
import { tempDir } from './drill-helpers.ts';
import { check, readVerdict, rollgate, tempReports } from './helpers.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/** Time is evidence: the drill end to end on a SQLite backup whose manifest lies about its time. */
describe('DR drill: a backup whose time cannot be true', () => {
  // One run (a gate costs seconds); the other disagreements are proven at check level in
  // test/backup/time-evidence.test.ts.
  test('a manifest dated in the future HOLDs on age and RPO, and disagrees with its file time', async () => {
    const data = tempDir('rollgate-drill-time-');
    const backups = path.join(data, 'backups');
    await (await seedDemo(`sqlite:${path.join(data, 'demo.sqlite')}`, 1)).close();
    const taken = await takeBackup({
      databaseUrl: `sqlite:${path.join(data, 'demo.sqlite')}`,
      dir: backups,
      name: 'demo',
    });
    const name = path.basename(taken.path);
    const written = Date.parse(taken.manifest.finishedAt);
    utimesSync(taken.path, new Date(written), new Date(written));

    // Consistent "in an hour": a negative age would pass every budget.
    const future = written + 3600e3;
    await writeManifest(taken.path, {
      ...taken.manifest,
      consistentAt: iso(future),
      finishedAt: iso(future),
    });
    const reports = tempReports();
    const r = await rollgate(['gate', 'dr', '--now', iso(written)], {
      ROLLGATE_REPORTS_DIR: reports,
      ROLLGATE_BACKUP_DIR: backups,
    });
    expect(r.exitCode, r.all).toBe(1);
    const v = readVerdict(reports);
    expect(v.verdict).toBe('hold');
    const rpo = check(v, 'drill/rpo');
    expect(rpo.status).toBe('failed');
    expect(rpo.message).toBe(
      `consistent point in the future: manifest says consistent at ${iso(future)} but the clock here says ${iso(written)} (3600 s earlier, beyond the 120 s clock-skew tolerance); a backup cannot be from the future: check the manifest and both machines' clocks`,
    );
    expect(rpo.measurements[0]).toMatchObject({ name: 'rpo', actual: -3600, passed: false });
    expect(check(v, 'drill/backup-hygiene').message).toContain(`${name}: consistent point in the future`);
    expect(check(v, 'drill/verify-restore').message).toContain(
      `manifest says consistent at ${iso(future)} but ${name} was last written at ${iso(written)}: the data cannot be newer than the file holding it`,
    );
    expect(
      v.reasons.some((reason) => reason.startsWith('drill/rpo failed: rpo: -3600 s violates <= 3600 s')),
    ).toBe(true);
  });
});
