import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { manifestSha256 } from '../../src/checks/backup/manifest.ts';
import { prepareDrill } from '../../src/engine/steps/drill.ts';
import { openStore } from '../../src/engine/store/open-store.ts';
import { DrillSpec } from '../../src/model/drill.ts';
import { LedgerEntry } from '../../src/model/ledger-entry.ts';
import { createForeignSqlite } from '../backup/foreign-fixtures.ts';
import { cleanEnv, ROOT, rollgate, tempReports } from '../e2e/helpers.ts';

const ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';
const db = `rollgate_test_ledger_${randomBytes(4).toString('hex')}`;
const url = `postgres://postgres@127.0.0.1:5432/${db}`;

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: ADMIN });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** The shared store on the real PostgreSQL server of this machine. */
describe('PostgreSQL store (ROLLGATE_LEDGER_URL)', () => {
  beforeAll(() => admin(`CREATE DATABASE ${db}`));
  afterAll(() => admin(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`));

  test('two gates appending at once leave two intact ledger entries', async () => {
    const env = { ROLLGATE_LEDGER_URL: url };
    const args = [
      'gate',
      'fails',
      '--runbook',
      'test/fixtures/runbooks/policy.runbook.ts',
      '--release',
      '2.0.0',
    ];
    const [a, b] = await Promise.all([
      rollgate(args, { ...env, ROLLGATE_REPORTS_DIR: tempReports() }),
      rollgate(args, { ...env, ROLLGATE_REPORTS_DIR: tempReports() }),
    ]);
    expect([a.exitCode, b.exitCode], `${a.all}\n${b.all}`).toEqual([1, 1]);
    const store = await openStore(tempReports(), { ROLLGATE_LEDGER_URL: url });
    try {
      const entries = await store.ledger('policy');
      expect(entries).toHaveLength(2);
      for (const e of entries) expect(LedgerEntry.safeParse(e).success).toBe(true);
      expect(new Set(entries.map((e) => e.runId)).size).toBe(2);
      expect(entries.map((e) => e.verdict)).toEqual(['hold', 'hold']);
    } finally {
      await store.close();
    }
  });

  test('sign-offs and waivers round-trip, bound to runbook, stage and release', async () => {
    const store = await openStore(tempReports(), { ROLLGATE_LEDGER_URL: url });
    try {
      const at = '2026-11-22T03:00:00.000Z';
      await store.addSignoff({
        runbook: 'demo',
        stage: 'production',
        release: '1.0.0',
        title: 'Security team approval',
        by: 'alice',
        at,
      });
      await store.addWaiver({
        runbook: 'demo',
        stage: 'canary',
        release: '1.0.0',
        checkId: 'security/cors',
        by: 'bob',
        reason: 'legacy',
        at,
        expires: '2026-12-01T00:00:00.000Z',
      });
      expect(await store.signoffs('demo', 'production', '1.0.0')).toEqual([
        {
          runbook: 'demo',
          stage: 'production',
          release: '1.0.0',
          title: 'Security team approval',
          by: 'alice',
          at,
        },
      ]);
      expect(await store.signoffs('demo', 'production', '1.0.1')).toEqual([]);
      expect((await store.waivers('demo', 'canary', '1.0.0')).map((w) => w.checkId)).toEqual([
        'security/cors',
      ]);
      expect(await store.waivers('demo', 'production', '1.0.0')).toEqual([]);
    } finally {
      await store.close();
    }
  });

  test('item 7: a row that is not a valid entry stops openStore naming table and row (exit 2 code)', async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const { rows } = await c.query<{ id: string }>(
        `INSERT INTO rollgate_waivers (runbook, stage, release, entry) VALUES ('demo','canary','9.9.9','{"by": true}') RETURNING id`,
      );
      const e = await openStore(tempReports(), { ROLLGATE_LEDGER_URL: url }).then(
        () => undefined,
        (error: Error & { code?: string }) => error,
      );
      expect(e?.code).toBe('ROLLGATE_STORE_CORRUPT');
      expect(e?.message).toContain(`table rollgate_waivers row id ${rows[0]!.id}: not a valid entry (`);
      await c.query('DELETE FROM rollgate_waivers WHERE id = $1', [rows[0]!.id]);
    } finally {
      await c.end();
    }
  });

  test('item 4: demo:backup records the manifest digest in the shared store, and the drill finds it there', async () => {
    const data = tempReports();
    const backups = path.join(data, 'backups');
    const reports = tempReports();
    createForeignSqlite(path.join(data, 'shop.sqlite'));
    const r = await execa('npm', ['run', '-s', 'demo:backup'], {
      cwd: ROOT,
      env: cleanEnv({
        DEMO_DATABASE_URL: `sqlite:${path.join(data, 'shop.sqlite')}`,
        BACKUP_DIR: backups,
        ROLLGATE_REPORTS_DIR: reports,
        ROLLGATE_LEDGER_URL: url,
      }),
      extendEnv: false,
      reject: false,
      all: true,
    });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toContain(`recorded in ${url} table rollgate_backups at `);
    expect(existsSync(path.join(reports, 'backups.jsonl'))).toBe(false);
    const file = readdirSync(backups).find((f) => f.endsWith('.sqlite'))!;
    const store = await openStore(tempReports(), { ROLLGATE_LEDGER_URL: url });
    try {
      const records = await store.backupRecords(file);
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({
        file,
        engine: 'sqlite',
        manifestSha256: manifestSha256(readFileSync(path.join(backups, `${file}.manifest.json`))),
      });
      expect(await store.backupRecords('other.sqlite')).toEqual([]);
      const spec = DrillSpec.parse({ backups: { dir: backups } });
      const run = await prepareDrill(spec, {
        root: data,
        runId: 'pg-store',
        env: {},
        now: new Date(),
        store,
      });
      await run.cleanup();
      expect(run.checks.find((c) => c.id === 'drill/backup-recorded')).toMatchObject({
        status: 'passed',
        message: `${file}: recorded at ${records[0]!.recordedAt} in ${url} table rollgate_backups (manifest sha256 ${records[0]!.manifestSha256.slice(0, 12)}…)`,
      });
    } finally {
      await store.close();
    }
  });

  test('an unreachable ledger server is an error before anything runs (exit 2), password masked', async () => {
    const reports = tempReports();
    const r = await rollgate(
      ['gate', 'fails', '--runbook', 'test/fixtures/runbooks/policy.runbook.ts', '--release', '2.0.0'],
      {
        ROLLGATE_REPORTS_DIR: reports,
        ROLLGATE_LEDGER_URL: 'postgres://app:hunter2-secret@127.0.0.1:1/ledger',
      },
    );
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('postgres://app:***@127.0.0.1:1/ledger');
    expect(r.all).not.toContain('hunter2-secret');
  });
});
