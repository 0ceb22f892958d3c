import { writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEAKY_DATABASE_PASSWORD } from '../../demo/effective-config.ts';
import type { DemoServer } from '../../demo/server.ts';
import demoRunbook from '../../runbooks/demo.runbook.ts';
import { startTestDemo, tempDirs } from '../demo/helpers.ts';
import { declare, runChecks, runOne } from './helpers.ts';

/**
 * Every built-in the demo's staging stage runs, at check level against real demos started once:
 * a healthy one, and one with every fault a built-in must catch (they combine).
 */
const FAULTS = ['no-security-headers', 'cors-reflect', 'no-rate-limit', 'no-csrf', 'wrong-version'];
const dirs = tempDirs();
let healthy: DemoServer;
let faulty: DemoServer;
let healthyDb = '';

const { embedded: _embedded, ...demoTarget } = demoRunbook.targets.demo;
/** The demo's declaration; its effective config is not written by a demo started in process. */
const demo = (over: Partial<typeof demoTarget> = {}, checks = demoRunbook.stages.staging!.checks!) =>
  declare({ ...demoTarget, configFiles: ['demo/deploy/*'], ...over }, { checks: [...checks] });

const env = (db: string) => ({
  SMOKE_USER: 'demo',
  SMOKE_PASSWORD: 'demo-password',
  SESSION_SECRET: 'a-session-secret-of-some-length',
  DEMO_DATABASE_URL: `sqlite:${db}`,
});

beforeAll(async () => {
  const [a, b] = [dirs.make(), dirs.make()];
  healthyDb = path.join(a, 'demo.sqlite');
  [healthy, faulty] = await Promise.all([startTestDemo(a), startTestDemo(b, { faults: FAULTS })]);
});

afterAll(async () => {
  await Promise.all([healthy?.close(), faulty?.close()]);
  dirs.cleanup();
});

describe("the demo's built-ins", () => {
  it('a healthy demo passes every one, each measured, with its evidence', async () => {
    const r = await runChecks(demo(), { baseURL: healthy.url, release: '1.2.3', env: env(healthyDb) });
    expect([...r].map(([id, c]) => [id, c.status, c.message])).toEqual(
      [
        'probes/health-simple',
        'probes/health-deep',
        'probes/version-matches',
        'probes/jwks',
        'security/headers',
        'security/session-cookie',
        'security/cors',
        'security/rate-limit',
        'security/csrf',
        'hygiene/secret-scan',
        'hygiene/runtime-config',
      ].map((id) => [id, 'passed', undefined]),
    );
    for (const c of r.values()) expect(c.measurements.length, c.id).toBeGreaterThan(0);
    expect(r.get('probes/health-deep')!.measurements.map((m) => m.name)).toEqual([
      'status',
      'json status',
      'json version',
      'json checks.database.status',
      'latency',
    ]);
    expect(r.get('hygiene/runtime-config')!.measurements.map((m) => [m.name, m.actual])).toEqual([
      ['missing-env-vars', 0],
      ['missing-secrets', 0],
      ['database-persistent', 'yes'],
      ['journal-mode', 'wal'],
    ]);
    expect(r.get('security/headers')!.evidence.map((e) => e.name)).toEqual([
      '/login response headers',
      '/api/version response headers',
      'not applicable',
    ]);
  });

  it('each fault fails its own built-in, with the rule in the message; the others still pass', async () => {
    const r = await runChecks(demo(), { baseURL: faulty.url, release: '1.2.3', env: env(healthyDb) });
    const failed = [...r].filter(([, c]) => c.status !== 'passed').map(([id, c]) => [id, c.status]);
    expect(failed).toEqual([
      ['probes/version-matches', 'failed'],
      ['security/headers', 'failed'],
      ['security/cors', 'failed'],
      ['security/rate-limit', 'failed'],
      ['security/csrf', 'failed'],
    ]);
    expect(r.get('probes/version-matches')!.message).toContain('version: seen 1.2.3-wrong');
    expect(r.get('security/headers')!.message).toContain('/login X-Content-Type-Options: seen (absent)');
    expect(r.get('security/cors')!.message).toContain('Access-Control-Allow-Origin: https://evil.example');
    expect(r.get('security/rate-limit')!.message).toContain('first 429 at request: seen none in 12 requests');
    expect(r.get('security/csrf')!.message).toContain('without _csrf: seen 200; expected refused');
  });

  it("the form logins read the account from the auth's variables; none set errors naming them", async () => {
    const r = await runChecks(demo({}, ['session-cookie', 'csrf']), {
      baseURL: healthy.url,
      env: { SMOKE_USER: 'demo', SMOKE_PASSWORD: 'not-the-password' },
    });
    for (const c of r.values()) expect(c).toMatchObject({ status: 'errored', code: 'ROLLGATE_LOGIN_FAILED' });
    const none = await runChecks(demo({}, ['session-cookie']), { baseURL: healthy.url, env: {} });
    expect(none.get('security/session-cookie')).toMatchObject({
      status: 'errored',
      code: 'ROLLGATE_MISSING_ENV',
      message: expect.stringContaining('SMOKE_USER and SMOKE_PASSWORD are not set'),
    });
  });

  it('secret-scan fails naming file, line and rule, masked; the allowlist accepts a finding with its reason', async () => {
    const file = path.join(dirs.make(), 'deploy.env');
    writeFileSync(
      file,
      `APP=1\nDATABASE_URL=postgres://app:${LEAKY_DATABASE_PASSWORD}@db.internal:5432/app\n`,
    );
    const d = (secretAllowlist: { rule: string; file: string; reason: string }[] = []) =>
      declare({ configFiles: [file], secretAllowlist }, { checks: ['secret-scan'] });
    const leaky = await runOne(d(), { baseURL: healthy.url });
    expect(leaky.status).toBe('failed');
    expect(leaky.message).toMatch(/deploy\.env:2:\d+ rollgate\/url-credentials: found a password/);
    expect(leaky.measurements).toEqual([
      expect.objectContaining({ name: 'secret-findings', actual: 1, samples: 1, passed: false }),
    ]);
    expect(JSON.stringify(leaky)).not.toContain(LEAKY_DATABASE_PASSWORD);
    expect(leaky.evidence.find((e) => e.name === 'secret-scan.json')?.body).toContain('postgres://app:***');
    const accepted = await runOne(
      d([{ rule: 'rollgate/url-credentials', file, reason: 'a throwaway test database' }]),
      { baseURL: healthy.url },
    );
    expect(accepted.status, accepted.message).toBe('passed');
    const none = await runOne(declare({ configFiles: ['no/such/*.toml'] }, { checks: ['secret-scan'] }), {
      baseURL: healthy.url,
    });
    expect(none).toMatchObject({ status: 'errored', code: 'ROLLGATE_NO_CONFIG_FILES' });
  });

  it('runtime-config: missing environment errors; missing secrets, :memory: and a rollback journal fail', async () => {
    const rc = (over: Partial<typeof demoTarget> = {}) => demo(over, ['runtime-config']);
    const missing = await runOne(rc(), { baseURL: healthy.url, env: { SESSION_SECRET: 'x' } });
    expect(missing).toMatchObject({ status: 'errored', code: 'ROLLGATE_MISSING_ENV' });
    expect(missing.message).toContain('environment incomplete: DEMO_DATABASE_URL not set');

    const noSecret = await runOne(rc(), {
      baseURL: healthy.url,
      env: { ...env(healthyDb), SMOKE_PASSWORD: '' },
    });
    expect(noSecret).toMatchObject({ status: 'failed', message: 'secrets not set: SMOKE_PASSWORD' });

    const memory = await runOne(rc(), {
      baseURL: healthy.url,
      env: { ...env(healthyDb), DEMO_DATABASE_URL: 'sqlite::memory:' },
    });
    expect(memory.status).toBe('failed');
    expect(memory.message).toContain('DEMO_DATABASE_URL points at an in-memory database');

    const rollback = path.join(dirs.make(), 'rollback.sqlite');
    const db = new Database(rollback);
    db.exec('create table t (a)');
    db.close();
    const notWal = await runOne(rc(), { baseURL: healthy.url, env: { ...env(rollback) } });
    expect(notWal.status).toBe('failed');
    expect(notWal.message).toMatch(/runs in rollback journal mode, not WAL/);
    // Without requireWal the journal mode is not asked about.
    const relaxed = await runOne(rc({ requireWal: false }), { baseURL: healthy.url, env: env(rollback) });
    expect(relaxed.status, relaxed.message).toBe('passed');
  });
});
