import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStore } from '../../src/engine/store/open-store.ts';
import { LedgerEntry } from '../../src/model/ledger-entry.ts';
import { PG_ADMIN_URL, pgQuery } from '../backup/servers.ts';
import { cliIn } from './cli-in.ts';
import { tempDirs } from './helpers.ts';
import { LEDGER, TABLE, writeProject } from './history-fixtures.ts';

/**
 * `rollgate history` on the shared store: the ledger in PostgreSQL (ROLLGATE_LEDGER_URL), on the
 * loopback server of this machine, in a throw-away database dropped afterwards.
 */

const db = `rollgate_test_history_${randomBytes(4).toString('hex')}`;
const url = Object.assign(new URL(PG_ADMIN_URL), { pathname: `/${db}` }).toString();
const dirs = tempDirs('rollgate-history-pg-');

const admin = (sql: string) => pgQuery(PG_ADMIN_URL, sql);

describe('rollgate history (PostgreSQL store)', () => {
  let root: string;
  beforeAll(async () => {
    await admin(`CREATE DATABASE ${db}`);
    root = dirs.make();
    writeProject(root);
    const store = await openStore(path.join(root, 'reports'), { ROLLGATE_LEDGER_URL: url });
    try {
      for (const e of LEDGER) await store.appendLedger(e);
    } finally {
      await store.close();
    }
  });
  afterAll(async () => {
    dirs.cleanup();
    await admin(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  });
  afterEach(() => vi.unstubAllEnvs());

  it('prints the ledger rows of the runbook, oldest first, and filters them as on files', async () => {
    vi.stubEnv('ROLLGATE_LEDGER_URL', url);
    const r = await cliIn(root, ['history']);
    expect(r.code, r.err).toBe(0);
    expect(r.out.split('\n')).toEqual([
      `shop: 4 run(s), oldest first, from ${url}`,
      TABLE.header,
      TABLE['r1-staging-100'],
      TABLE['r2-canary-100'],
      TABLE['r3-staging-110'],
      TABLE['r4-canary-110'],
    ]);
    const json = await cliIn(root, ['history', '--json', '--stage', 'canary', '--limit', '1']);
    expect(LedgerEntry.array().parse(JSON.parse(json.out))).toEqual([LEDGER[4]]);
  });

  it('an unknown stage exits 2 with the stages; a store that refuses the connection exits 2, masked', async () => {
    vi.stubEnv('ROLLGATE_LEDGER_URL', url);
    const r = await cliIn(root, ['history', '--stage', 'qa']);
    expect([r.code, r.err]).toEqual([
      2,
      expect.stringContaining('no stage "qa"; stages: staging, canary, production.'),
    ]);
    vi.stubEnv('ROLLGATE_LEDGER_URL', 'postgres://postgres:hunter22@127.0.0.1:9/none');
    const down = await cliIn(root, ['history']);
    expect(down.code).toBe(2);
    expect(down.err).toContain('ROLLGATE_LEDGER_URL: cannot use postgres://postgres:***@127.0.0.1:9/none');
    expect(down.err).not.toContain('hunter22');
  });
});
