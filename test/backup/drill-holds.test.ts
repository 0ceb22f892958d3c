import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TakenBackup, takeBackup } from '../../src/checks/backup/take-backup.ts';
import { decide } from '../../src/engine/policy.ts';
import { drillBudgets, prepareDrill } from '../../src/engine/steps/drill.ts';
import { openStore } from '../../src/engine/store/open-store.ts';
import type { Store } from '../../src/engine/store/store.ts';
import { DrillSpec } from '../../src/model/drill.ts';
import { createForeignSqlite } from './foreign-fixtures.ts';
import { tempDirs } from './helpers.ts';

/**
 * The drill's HOLDs that judge the backup before any app boots, at check level: the drill's own
 * code (prepareDrill, then drillBudgets as withDrillChecks in src/engine/steps/gate-steps.ts runs
 * them) on a real SQLite backup recorded in a real store. These replace two whole `gate dr` runs
 * of test/e2e/drill-sqlite.test.ts; that file keeps one HOLD end to end for an unusable backup (a
 * truncated one), and test/e2e/drill-time.test.ts proves `--now` reaches the drill's clock.
 */
const dirs = tempDirs('rollgate-drill-holds-');
let store: Store;
let dir: string;
let taken: TakenBackup;

const spec = DrillSpec.parse({ backups: { dir: 'unused' }, rpo: '1h' });

/** The drill at `now` as the dr gate runs it, its scratch copy dropped; checks and decision. */
async function drill(backups: string, now: Date) {
  const run = await prepareDrill(spec, {
    root: backups,
    runId: 'holds-test',
    env: { ROLLGATE_BACKUP_DIR: backups },
    now,
    store,
  });
  await run.cleanup();
  const checks = [...run.checks, ...drillBudgets(spec, run, [], now, 1000)];
  const by = (id: string) => checks.find((c) => c.id === id);
  return { run, by, decision: decide(checks, { flaky: 'hold' }) };
}

beforeAll(async () => {
  const source = join(dirs.make(), 'shop.sqlite');
  createForeignSqlite(source);
  store = await openStore(dirs.make(), {});
  dir = dirs.make();
  taken = await takeBackup({ databaseUrl: `sqlite:${source}`, dir, record: (r) => store.recordBackup(r) });
});

afterAll(async () => {
  await store?.close();
  dirs.cleanup();
});

describe('the drill judges the age of the newest backup against its RPO', () => {
  it('a backup within the RPO passes drill/rpo, with its age in seconds', async () => {
    const now = new Date(Date.parse(taken.manifest.consistentAt) + 600e3);
    const { by } = await drill(dir, now);
    expect(by('drill/verify-restore')?.status).toBe('passed');
    expect(by('drill/rpo')).toMatchObject({
      status: 'passed',
      measurements: [{ name: 'rpo', operator: '<=', expected: 3600, unit: 's', actual: 600, passed: true }],
      message: `backup consistent at ${new Date(taken.manifest.consistentAt).toISOString()}`,
    });
  });

  // Was test/e2e/drill-sqlite.test.ts 'a backup older than the RPO HOLDs on rpo' (`gate dr --now +2h`).
  it('a backup older than the RPO HOLDs on drill/rpo, its age over the budget', async () => {
    const now = new Date(Date.parse(taken.manifest.consistentAt) + 2 * 3600e3);
    const { by, decision } = await drill(dir, now);
    // The backup itself is sound: only its age holds the drill.
    expect(by('drill/verify-restore')?.status).toBe('passed');
    const rpo = by('drill/rpo')!;
    expect(rpo.status).toBe('failed');
    expect(rpo.measurements[0]).toMatchObject({ name: 'rpo', expected: 3600, actual: 7200, passed: false });
    expect(decision.verdict).toBe('hold');
    expect(
      decision.reasons.some((r) => r.startsWith('drill/rpo failed: rpo: 7200 s violates <= 3600 s')),
      decision.reasons.join('\n'),
    ).toBe(true);
  });
});

describe('a drill with no backup to restore', () => {
  // Was the second half of test/e2e/drill-sqlite.test.ts 'a truncated backup HOLDs …; no backup at all HOLDs'.
  it('HOLDs on drill/backup, naming the folder it looked in; nothing is restored', async () => {
    const empty = join(dirs.make(), 'backups');
    mkdirSync(empty);
    const { run, by, decision } = await drill(empty, new Date());
    const c = by('drill/backup')!;
    expect(c).toMatchObject({
      status: 'failed',
      message: `no backup in ${empty} matching * (partial and empty files do not count)`,
    });
    expect(by('drill/verify-restore')).toBeUndefined();
    expect(run.restoredUrl).toBeUndefined();
    expect(decision.verdict).toBe('hold');
    expect(decision.reasons).toContain(`drill/backup failed: ${c.message}`);
  });
});
