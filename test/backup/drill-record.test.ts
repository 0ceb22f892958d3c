import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestPath } from '../../src/checks/backup/digest.ts';
import { sqliteDigests, sqliteInventory } from '../../src/checks/backup/inventory-sqlite.ts';
import { manifestSha256, writeManifest } from '../../src/checks/backup/manifest.ts';
import { type TakenBackup, takeBackup } from '../../src/checks/backup/take-backup.ts';
import { decide } from '../../src/engine/policy.ts';
import { prepareDrill } from '../../src/engine/steps/drill.ts';
import { openStore } from '../../src/engine/store/open-store.ts';
import type { Store } from '../../src/engine/store/store.ts';
import { DrillSpec } from '../../src/model/drill.ts';
import { createForeignSqlite } from './foreign-fixtures.ts';
import { manifestPathFor, tempDirs } from './helpers.ts';

const dirs = tempDirs('rollgate-drill-record-');
let source: string;
let reports: string;
let store: Store;

/** The drill's first half as the dr gate runs it (real files, real store, real restore), and its decision. */
async function drill(dir: string, extra: Partial<DrillSpec> = {}) {
  const spec = DrillSpec.parse({ backups: { dir }, ...extra });
  const run = await prepareDrill(spec, { root: dir, runId: 'record-test', env: {}, now: new Date(), store });
  await run.cleanup();
  const by = (id: string) => run.checks.find((c) => c.id === id)!;
  return { run, by, decision: decide(run.checks, { flaky: 'hold' }) };
}

beforeAll(async () => {
  source = join(dirs.make(), 'shop.sqlite');
  createForeignSqlite(source);
  reports = dirs.make();
  store = await openStore(reports, {});
});

afterAll(async () => {
  await store?.close();
  dirs.cleanup();
});

describe('the drill checks the manifest against the record taken with the backup', () => {
  let taken: TakenBackup;
  let dir: string;

  beforeAll(async () => {
    dir = dirs.make();
    taken = await takeBackup({ databaseUrl: `sqlite:${source}`, dir, record: (r) => store.recordBackup(r) });
  });

  it('a recorded backup passes and the verdict says when it was recorded', async () => {
    const { by, decision } = await drill(dir);
    const log = join(reports, 'backups.jsonl');
    expect(by('drill/backup-recorded')).toMatchObject({
      status: 'passed',
      message: `${taken.record!.file}: recorded at ${taken.record!.recordedAt} in ${log} (manifest sha256 ${taken.manifestSha256.slice(0, 12)}…)`,
    });
    expect(by('drill/restore-content').status).toBe('passed');
    expect(decision).toMatchObject({ verdict: 'promote', reasons: [] });
  });

  it('a backup replaced together with a matching manifest (new checksum, same row counts) HOLDs the drill', async () => {
    // Same row counts, other content; the manifest recomputed over it, digests and inventory too,
    // so the manifest agrees with its backup in every field: only the store's record can tell.
    const forged = join(dirs.make(), 'forged.sqlite');
    copyFileSync(taken.path, forged);
    const db = new Database(forged);
    db.exec("UPDATE inventory SET qty = 999 WHERE sku = 'A-1'");
    const content = { inventory: sqliteInventory(db), contentDigests: sqliteDigests(db) };
    db.close();
    copyFileSync(forged, taken.path);
    const d = await digestPath(taken.path);
    await writeManifest(taken.path, {
      ...taken.manifest,
      ...content,
      sha256: d.sha256,
      sizeBytes: d.sizeBytes,
    });
    const now = manifestSha256(readFileSync(manifestPathFor(taken.path)));
    const { by, decision } = await drill(dir);
    expect(by('drill/verify-restore').status).toBe('passed');
    expect(by('drill/restore-content').status).toBe('passed');
    const c = by('drill/backup-recorded');
    expect(c.status).toBe('failed');
    expect(c.message).toBe(
      `${taken.record!.file}: manifest differs from its record in ${join(reports, 'backups.jsonl')}: sha256 ${now} now, ${taken.manifestSha256} recorded at ${taken.record!.recordedAt}. The backup and its manifest were changed after they were taken; take a new backup and record it`,
    );
    expect(decision.verdict).toBe('hold');
    expect(decision.reasons).toEqual([`drill/backup-recorded failed: ${c.message}`]);
  });
});

describe('a backup unknown to the store', () => {
  let dir: string;
  let taken: TakenBackup;

  beforeAll(async () => {
    dir = dirs.make();
    // Taken as another tool would: a valid manifest, no record.
    taken = await takeBackup({ databaseUrl: `sqlite:${source}`, dir });
  });

  it('HOLDs the drill, naming the store and both fixes', async () => {
    const { by, decision } = await drill(dir);
    const c = by('drill/backup-recorded');
    expect(c.status).toBe('failed');
    expect(c.message).toBe(
      `${taken.manifest.file} is not recorded in ${join(reports, 'backups.jsonl')}: its manifest (sha256 ${taken.manifestSha256.slice(0, 12)}…) cannot vouch for itself. Record each backup in rollgate's store when you take it (docs/backups.md), or set drill.acceptUnrecorded: true in the runbook for backups taken by tools that do not`,
    );
    expect(decision.verdict).toBe('hold');
  });

  it('passes with acceptUnrecorded, and the verdict says it was unrecorded', async () => {
    const { by, decision } = await drill(dir, { acceptUnrecorded: true });
    expect(by('drill/backup-recorded')).toMatchObject({
      status: 'passed',
      message: `${taken.manifest.file}: unrecorded, accepted by acceptUnrecorded (no record in ${join(reports, 'backups.jsonl')}; its manifest, sha256 ${taken.manifestSha256.slice(0, 12)}…, vouches for itself)`,
    });
    expect(decision).toMatchObject({ verdict: 'promote', reasons: [] });
  });

  it('with acceptUnrecorded, other content under the same row counts still HOLDs on the content digests', async () => {
    const db = new Database(taken.path);
    db.exec("UPDATE orders SET note = 'forged' WHERE id = 1");
    db.close();
    rmSync(`${taken.path}-journal`, { force: true });
    const d = await digestPath(taken.path);
    // A forger who fixed the checksum but not the digests.
    await writeManifest(taken.path, { ...taken.manifest, sha256: d.sha256, sizeBytes: d.sizeBytes });
    const { by, decision } = await drill(dir, { acceptUnrecorded: true });
    expect(by('drill/verify-restore').status).toBe('passed');
    const c = by('drill/restore-content');
    expect(c.status).toBe('failed');
    expect(c.message).toMatch(
      /^table orders: content differs from the backup's snapshot \(sha256 [0-9a-f]{12}… in the restore, manifest says [0-9a-f]{12}…\)$/,
    );
    expect(decision.verdict).toBe('hold');
  });
});
