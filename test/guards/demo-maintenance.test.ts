import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DemoConfigError, readDemoConfig } from '../../demo/config.ts';
import { describeFaults, FAULT_NAMES, RESTART_AFTER_MS, resolveFaults } from '../../demo/faults.ts';
import { SECURITY_HEADERS } from '../../demo/security.ts';
import type { DemoServer } from '../../demo/server.ts';
import { Client, startTestDemo, tempDirs } from '../demo/helpers.ts';

const TOKEN = 'demo-admin-token-4f1c9a2b7e';
const dirs = tempDirs();

const admin = (url: string, action: 'enable' | 'disable', token?: string) =>
  fetch(`${url}/admin/maintenance/${action}`, {
    method: 'POST',
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

const health = async (url: string) =>
  (await (await fetch(`${url}/api/health`)).json()) as { status: string; maintenance: boolean };

/** Polls `fn` every 20 ms until it returns a value, or fails after `ms`. */
async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

afterAll(() => dirs.cleanup());

describe('the restart and maintenance-stuck faults in the registry', () => {
  it('are known, described, and healthy by default', () => {
    expect(FAULT_NAMES).toEqual(expect.arrayContaining(['restart', 'maintenance-stuck']));
    expect(resolveFaults([])).toMatchObject({ restartAfterMs: 0, maintenanceStuck: false });
    expect(resolveFaults(['restart']).restartAfterMs).toBe(RESTART_AFTER_MS);
    expect(resolveFaults(['maintenance-stuck']).maintenanceStuck).toBe(true);
    const text = Object.fromEntries(describeFaults().map((f) => [f.name, f.description]));
    expect(text.restart).toContain('DEMO_RESTART_AFTER_MS');
    expect(text['maintenance-stuck']).toContain('stays on');
  });

  it('reads DEMO_ADMIN_TOKEN and DEMO_RESTART_AFTER_MS, refusing a bad delay', () => {
    const c = readDemoConfig({ DEMO_ADMIN_TOKEN: ` ${TOKEN} `, DEMO_RESTART_AFTER_MS: '700' });
    expect(c.adminToken).toBe(TOKEN);
    expect(c.restartAfterMs).toBe(700);
    expect(readDemoConfig({}).adminToken).toBeUndefined();
    expect(() => readDemoConfig({ DEMO_RESTART_AFTER_MS: 'soon' })).toThrow(DemoConfigError);
    expect(() => readDemoConfig({ DEMO_RESTART_AFTER_MS: 'soon' })).toThrow(/DEMO_RESTART_AFTER_MS="soon"/);
  });
});

describe('maintenance mode in a running demo', () => {
  let demo: DemoServer;
  let plain: DemoServer;
  beforeAll(async () => {
    demo = await startTestDemo(dirs.make(), { adminToken: TOKEN });
    plain = await startTestDemo(dirs.make());
  });
  afterAll(async () => {
    await demo.close();
    await plain.close();
  });
  afterEach(async () => {
    await admin(demo.url, 'disable', TOKEN);
  });

  it('has no admin endpoints without DEMO_ADMIN_TOKEN (404), and wants the right bearer token (401)', async () => {
    expect((await admin(plain.url, 'enable', TOKEN)).status).toBe(404);
    expect((await admin(demo.url, 'enable')).status).toBe(401);
    expect((await admin(demo.url, 'enable', 'not-the-token')).status).toBe(401);
    expect((await health(demo.url)).maintenance).toBe(false);
    expect((await fetch(`${demo.url}/login`)).status).toBe(200);
  });

  it('on: anonymous pages answer 503 with Retry-After and the security headers; API, login, static and signed-in sessions pass', async () => {
    const operator = new Client(demo.url);
    expect((await operator.login()).status).toBe(303);
    expect((await admin(demo.url, 'enable', TOKEN)).status).toBe(200);

    for (const path of ['/', '/estimates', '/no-such-page']) {
      const res = await fetch(demo.url + path, { redirect: 'manual' });
      expect(res.status, path).toBe(503);
      expect(res.headers.get('retry-after'), path).toMatch(/^\d+$/);
      for (const [name, value] of Object.entries(SECURITY_HEADERS))
        expect(res.headers.get(name), `${path} ${name}`).toBe(value);
      expect(await res.text()).toContain('Down for maintenance');
    }
    expect(await health(demo.url)).toMatchObject({ status: 'ok', maintenance: true });
    for (const path of [
      '/api/simple-health',
      '/api/version',
      '/login',
      '/static/app.css',
      '/.well-known/jwks.json',
    ])
      expect((await fetch(demo.url + path)).status, path).toBe(200);
    // The operator tests during maintenance.
    expect((await operator.get('/estimates')).status).toBe(200);

    expect((await admin(demo.url, 'disable', TOKEN)).status).toBe(200);
    expect((await health(demo.url)).maintenance).toBe(false);
    expect((await fetch(`${demo.url}/`, { redirect: 'manual' })).status).toBe(303);
  });

  it('maintenance-stuck: disable answers 200 and the mode stays on', async () => {
    const stuck = await startTestDemo(dirs.make(), { adminToken: TOKEN, faults: ['maintenance-stuck'] });
    try {
      expect((await admin(stuck.url, 'enable', TOKEN)).status).toBe(200);
      expect((await admin(stuck.url, 'disable', TOKEN)).status).toBe(200);
      expect((await health(stuck.url)).maintenance).toBe(true);
      expect((await fetch(`${stuck.url}/`, { redirect: 'manual' })).status).toBe(503);
    } finally {
      await stuck.close();
    }
  });
});

describe('the restart fault', () => {
  it('refuses connections for a while, then answers again on the same port', async () => {
    // 2 s: time enough for the first request to be answered before the restart even on a busy machine.
    const demo = await startTestDemo(dirs.make(), { faults: ['restart'], restartAfterMs: 2000 });
    try {
      const probe = () =>
        fetch(`${demo.url}/api/simple-health`).then(
          (r) => r.status,
          (e: Error & { cause?: { code?: string } }) => e.cause?.code ?? e.message,
        );
      expect(await probe()).toBe(200);
      // A request caught while the server closes ends with its socket (UND_ERR_SOCKET): the demo
      // is going down, not down yet. Down is a refused connection.
      const seen = new Set<number | string>();
      const down = await until('the restart to refuse connections', async () => {
        const r = await probe();
        seen.add(r);
        return r === 'ECONNREFUSED' ? r : undefined;
      });
      expect(down).toBe('ECONNREFUSED');
      // Nothing but answers, closing sockets and refusals on the way: no error status from the demo.
      expect([...seen].filter((r) => ![200, 'UND_ERR_SOCKET', 'ECONNREFUSED'].includes(r))).toEqual([]);
      expect(
        await until('the demo to listen again', async () => ((await probe()) === 200 ? true : undefined)),
      ).toBe(true);
    } finally {
      await demo.close();
    }
  });
});
