import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check, readVerdict, tempReports } from '../e2e/helpers.ts';
import { locateSecret } from '../hygiene/secret-search.ts';
import { describeVerdict, rollgateOn, tempDirs } from './helpers.ts';

/**
 * orders-api gated end to end by its runbook alone: staging PROMOTEs, `rollgate backup` leaves the
 * database as it was, and the drill restores the backup and boots the API on it. The fault matrix
 * (a wrong password among it) is at check level (orders-api.checks.test.ts).
 */
const ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = `rollgate_test_orders_gate_${randomBytes(4).toString('hex')}`;
const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${DB}`;
const PASSWORD = `pw-${randomBytes(9).toString('base64url')}`;
const env = { ORDERS_DATABASE_URL: DATABASE_URL, ORDERS_ADMIN_PASSWORD: PASSWORD };

const dirs = tempDirs();
/** The store (ledger, backup records) the backup and the drill share. */
const reports = tempReports();
const backups = dirs.make('rollgate-orders-backups-');

async function admin(sql: string) {
  const c = new pg.Client(ADMIN);
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/**
 * The database's whole content as pg_dump writes it: equal text, equal data and schema. (pg_dump
 * 15.14 and later write a random `\\restrict` key into every dump: not content.)
 */
const dump = async () =>
  (await execa('pg_dump', ['--no-owner', DATABASE_URL])).stdout.replace(/^\\(un)?restrict .*$/gm, '');

beforeAll(() => admin(`CREATE DATABASE ${DB}`));
afterAll(async () => {
  await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  dirs.cleanup();
});

describe('orders-api gated by its runbook', () => {
  it('staging PROMOTEs: JSON token sign-in, every built-in and the golden path; the password is nowhere in the reports', async () => {
    const r = await rollgateOn('orders-api', ['gate', 'staging'], { ...env, ROLLGATE_REPORTS_DIR: reports });
    const v = readVerdict(reports);
    expect(r.exitCode, `${r.all}\n${describeVerdict(v)}`).toBe(0);
    expect(v.verdict).toBe('promote');
    expect(v.checks.map((c) => c.id)).toEqual(
      expect.arrayContaining([
        'auth/sign-in',
        'probes/health-ready',
        'security/rate-limit',
        'orders/place-order',
      ]),
    );
    expect(locateSecret(reports, PASSWORD)).toEqual([]);
  });

  // A wrong password is a sign-in failure: the token login's 401 is judged on the app at check
  // level by orders-api.checks.test.ts ('wrong password: the sign-in fails naming the token login
  // and its 401, never the password'), and a failed sign-in holding a gate (auth/sign-in errored,
  // exit 1, the password nowhere) is gated end to end by test/auth/gate.test.ts ('a wrong password
  // holds the gate with a reason naming the failed step; the password is nowhere').

  it('`rollgate backup` copies the declared database and leaves it byte-identical', async () => {
    const before = await dump();
    expect(before).toContain('Smoke order'); // the golden path's order, from the PROMOTE above
    const r = await rollgateOn('orders-api', ['backup', '--out', backups], {
      ...env,
      ROLLGATE_REPORTS_DIR: reports,
    });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toMatch(/orders-\S+\.pgdump/);
    expect(await dump()).toBe(before);
  });

  it('the drill restores the newest backup into scratch, boots the API on it and PROMOTEs', async () => {
    const r = await rollgateOn('orders-api', ['gate', 'dr'], {
      ...env,
      ROLLGATE_REPORTS_DIR: reports,
      ROLLGATE_BACKUP_DIR: backups,
    });
    const v = readVerdict(reports);
    expect(r.exitCode, `${r.all}\n${describeVerdict(v)}`).toBe(0);
    expect(v.stage).toBe('dr');
    for (const id of [
      'drill/verify-restore',
      'drill/restore-content',
      'auth/sign-in',
      'orders/restored-orders',
    ])
      expect(check(v, id).status, id).toBe('passed');
  });
});
