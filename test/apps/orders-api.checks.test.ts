import { randomBytes } from 'node:crypto';
import { closeSync, cpSync, openSync, readSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSessionFiles } from '../../src/checks/auth/session-files.ts';
import { signIn } from '../../src/checks/auth/sign-in.ts';
import type { TargetDeclaration } from '../../src/checks/authoring/target-context.ts';
import { takeBackup } from '../../src/checks/backup/take-backup.ts';
import { verifyBackup } from '../../src/checks/backup/verify-backup.ts';
import type { BuiltinRun } from '../../src/checks/builtin/index.ts';
import type { Fault } from '../fixtures/apps/kit.ts';
import { apiServer } from '../fixtures/apps/orders-api/server.ts';
import { Store } from '../fixtures/apps/orders-api/store.ts';
import { Tokens } from '../fixtures/apps/orders-api/tokens.ts';
import { VERSION } from '../fixtures/apps/orders-api/version.ts';
import { declarationOf, loadApp, ROOT, runBuiltins, serve, statuses, tempDirs } from './helpers.ts';

/**
 * orders-api's fault matrix at check level: the runbook's own declarations and the built-in check
 * modules against in-process servers of the app (healthy, health-500, slow) on one PostgreSQL
 * database. The gates themselves run in orders-api.gates.test.ts.
 */
const ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = `rollgate_test_orders_${randomBytes(4).toString('hex')}`;
const URL_ = `postgres://postgres@127.0.0.1:5432/${DB}`;
// Made per run, so no credential-looking literal is ever committed.
const PASSWORD = `pw-${randomBytes(9).toString('base64url')}`;
const LEAKED = `Lk-${randomBytes(9).toString('base64url')}`;

const dirs = tempDirs();
let store: Store;
let declaration: TargetDeclaration;
let checks: Parameters<typeof runBuiltins>[0];
const apps: Partial<Record<'healthy' | Fault, { url: string; close: () => Promise<void> }>> = {};
let sessionFile: string;

const env = () => ({ ...process.env, ORDERS_DATABASE_URL: URL_, ORDERS_ADMIN_PASSWORD: PASSWORD });
const runOn = (baseURL: string, o: Partial<BuiltinRun> = {}): BuiltinRun => ({
  baseURL,
  release: VERSION,
  env: env(),
  root: ROOT,
  sessionFile,
  ...o,
});

async function admin(sql: string) {
  const c = new pg.Client(ADMIN);
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  const rb = await loadApp('orders-api');
  declaration = declarationOf(rb, 'staging');
  checks = rb.stages.staging!.checks;
  await admin(`CREATE DATABASE ${DB}`);
  store = new Store(URL_);
  await store.prepare({ email: 'ops@orders.example', password: PASSWORD });
  const start = (faults: Fault[]) =>
    serve(apiServer({ store, tokens: new Tokens(), faults: new Set(faults), environment: 'test' }));
  [apps.healthy, apps['health-500'], apps.slow] = await Promise.all([
    start([]),
    start(['health-500']),
    start(['slow']),
  ]);
  const signed = await signIn(apps.healthy!.url, declaration.auth!, { env: env() });
  sessionFile = writeSessionFiles(dirs.make(), signed.session);
});

afterAll(async () => {
  await Promise.all(Object.values(apps).map((a) => a?.close()));
  await store?.close();
  await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  dirs.cleanup();
});

describe('orders-api at check level', () => {
  it('healthy: the JSON token login signs in and every staging built-in passes', async () => {
    const r = await runBuiltins(checks, declaration, runOn(apps.healthy!.url));
    expect(statuses(r), JSON.stringify(r)).toEqual({
      'probes/health-live': 'passed',
      'probes/health-ready': 'passed',
      'probes/version-matches': 'passed',
      'security/headers': 'passed',
      'security/cors': 'passed',
      'security/rate-limit': 'passed',
      'probes/jwks': 'passed',
      'hygiene/secret-scan': 'passed',
      'hygiene/runtime-config': 'passed',
    });
  });

  it('app stopped: sign-in and health error on the refused connection', async () => {
    const gone = await serve(apiServer({ store, tokens: new Tokens(), faults: new Set(), environment: 'x' }));
    await gone.close();
    await expect(signIn(gone.url, declaration.auth!, { env: env() })).rejects.toThrow(/refused/);
    const r = await runBuiltins(['health', 'version'], declaration, runOn(gone.url));
    for (const id of ['probes/health-live', 'probes/health-ready', 'probes/version-matches']) {
      expect(r[id]).toMatchObject({ status: 'errored', reason: expect.stringMatching(/connection refused/) });
    }
  });

  it('wrong password: the sign-in fails naming the token login and its 401, never the password', async () => {
    const wrong = `wrong-${randomBytes(6).toString('hex')}`;
    const error = await signIn(apps.healthy!.url, declaration.auth!, {
      env: { ...env(), ORDERS_ADMIN_PASSWORD: wrong },
    }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/POST \/v1\/auth\/token answered 401/);
    expect((error as Error).message).not.toContain(wrong);
  });

  it('health answering 500: probes/health-ready fails on its status and body', async () => {
    const r = await runBuiltins(['health'], declaration, runOn(apps['health-500']!.url));
    expect(r['probes/health-live']!.status).toBe('passed');
    expect(r['probes/health-ready']).toMatchObject({ status: 'failed' });
    expect(r['probes/health-ready']!.reason).toMatch(/status: seen 500; expected 200/);
    expect(r['probes/health-ready']!.reason).toMatch(/json status: seen fail; expected pass/);
  });

  it('a latency budget it cannot meet: probes/health-ready fails on latency, over 500 ms', async () => {
    const r = await runBuiltins(['health'], declaration, runOn(apps.slow!.url));
    expect(r['probes/health-ready']).toMatchObject({ status: 'failed' });
    expect(r['probes/health-ready']!.reason).toMatch(/latency: seen \d+ \(\d+ ms, over the 500 ms budget\)/);
    expect(r['probes/health-ready']!.reason).not.toMatch(/status:/);
  });

  /** The shipped deploy folder, copied to scratch with one line changed. */
  function leakyDeploy(line: string): TargetDeclaration {
    const dir = dirs.make();
    cpSync(path.join(ROOT, 'test/fixtures/apps/orders-api/deploy'), dir, { recursive: true });
    writeFileSync(path.join(dir, 'orders.env'), `PORT=8080\n${line}\n`);
    return { ...declaration, configFiles: [`${dir}/*`] };
  }

  it.each([
    [
      'URL',
      `ORDERS_DATABASE_URL=postgres://orders:${LEAKED}@db.internal:5432/orders`,
      'rollgate/url-credentials',
    ],
    ['KEY=value', `ORDERS_ADMIN_PASSWORD=${LEAKED}`, 'rollgate/key-value-credentials'],
  ])(
    'a credential in a config file (%s form): the secret scan fails naming file, line and rule, masked',
    async (_form, line, rule) => {
      const leaky = leakyDeploy(line);
      const r = await runBuiltins(['secret-scan'], leaky, runOn(apps.healthy!.url));
      expect(r['hygiene/secret-scan']).toMatchObject({ status: 'failed' });
      expect(r['hygiene/secret-scan']!.reason).toContain(`orders.env:2`);
      expect(r['hygiene/secret-scan']!.reason).toContain(rule);
      expect(JSON.stringify(r)).not.toContain(LEAKED);
    },
  );

  it('a corrupted backup: verification fails naming the checksum mismatch', async () => {
    const dir = dirs.make();
    const taken = await takeBackup({ databaseUrl: URL_, dir, name: 'orders' });
    const ok = await verifyBackup({ backup: taken.path, scratchUrl: ADMIN });
    expect(ok.status, ok.reason).toBe('passed');
    // One byte flipped in the middle of the dump, as a bad disk or a truncated copy leaves it.
    const fd = openSync(taken.path, 'r+');
    const at = Math.floor(statSync(taken.path).size / 2);
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, at);
    writeSync(fd, Buffer.from([b[0]! ^ 0xff]), 0, 1, at);
    closeSync(fd);
    const bad = await verifyBackup({ backup: taken.path, scratchUrl: ADMIN });
    expect(bad.status).toBe('failed');
    expect(bad.reason).toMatch(/manifest checksum mismatch/);
  });
});
