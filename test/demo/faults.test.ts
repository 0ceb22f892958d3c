import { afterEach, describe, expect, it } from 'vitest';
import { readDemoConfig } from '../../demo/config.ts';
import {
  FAULT_NAMES,
  parseFaultList,
  resolveFaults,
  SLOW_FAULT_DELAY_MS,
  UnknownFaultError,
} from '../../demo/faults.ts';
import { SECURITY_HEADERS } from '../../demo/security.ts';
import type { DemoServer } from '../../demo/server.ts';
import { Client, startTestDemo, tempDirs } from './helpers.ts';

const dirs = tempDirs();
let demo: DemoServer | undefined;

afterEach(async () => {
  await demo?.close();
  demo = undefined;
  dirs.cleanup();
});

async function withFaults(...faults: string[]): Promise<DemoServer> {
  demo = await startTestDemo(dirs.make(), { faults });
  return demo;
}

describe('fault registry', () => {
  it('knows the four base faults and parses DEMO_FAULTS lists', () => {
    expect(FAULT_NAMES).toEqual(
      expect.arrayContaining(['server-errors', 'slow', 'no-security-headers', 'wrong-version']),
    );
    expect(parseFaultList(' slow, wrong-version ,,')).toEqual(['slow', 'wrong-version']);
    expect(parseFaultList(undefined)).toEqual([]);
    expect(resolveFaults(['slow', 'slow']).names).toEqual(['slow']);
    expect(resolveFaults([])).toMatchObject({
      forceServerError: false,
      minDelayMs: 0,
      securityHeaders: true,
    });
  });

  it('throws on an unknown fault name, in the registry and at start-up', async () => {
    expect(() => resolveFaults(['slwo'])).toThrow(UnknownFaultError);
    expect(() => resolveFaults(['slow', 'slwo'])).toThrow(
      /unknown demo fault "slwo"; known faults: server-errors/,
    );
    await expect(withFaults('server-error')).rejects.toThrow(UnknownFaultError);
  });
});

describe('faults in a running demo', () => {
  it('server-errors: every page and API route answers 500', async () => {
    const { url } = await withFaults('server-errors');
    for (const path of ['/', '/login', '/estimates', '/api/health', '/api/simple-health', '/api/version']) {
      expect((await fetch(url + path, { redirect: 'manual' })).status, path).toBe(500);
    }
    const login = await fetch(`${url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=demo&password=demo-password',
    });
    expect(login.status).toBe(500);
    expect(await (await fetch(`${url}/api/health`)).json()).toEqual({
      status: 'error',
      error: 'Internal Server Error',
    });
  });

  it(`slow: every response takes at least ${SLOW_FAULT_DELAY_MS} ms`, async () => {
    const { url } = await withFaults('slow');
    const timed = async (path: string) => {
      const started = performance.now();
      const res = await fetch(url + path, { redirect: 'manual' });
      await res.arrayBuffer();
      return { status: res.status, ms: performance.now() - started };
    };
    const results = await Promise.all(['/api/simple-health', '/api/health', '/login', '/'].map(timed));
    for (const { ms } of results) expect(ms).toBeGreaterThanOrEqual(SLOW_FAULT_DELAY_MS);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 303]);
  });

  it('no-security-headers: none of the security headers are sent', async () => {
    const { url } = await withFaults('no-security-headers');
    for (const path of ['/login', '/api/health']) {
      const res = await fetch(url + path);
      for (const name of Object.keys(SECURITY_HEADERS))
        expect(res.headers.get(name), `${path} ${name}`).toBeNull();
    }
  });

  it('wrong-version: health, /api/version and pages report another version', async () => {
    const { url } = await withFaults('wrong-version');
    expect(await (await fetch(`${url}/api/version`)).json()).toEqual({ version: '1.2.3-wrong' });
    expect(await (await fetch(`${url}/api/health`)).json()).toMatchObject({
      status: 'ok',
      version: '1.2.3-wrong',
    });
    expect(await (await fetch(`${url}/login`)).text()).toContain('data-testid="app-version">1.2.3-wrong<');
  });

  it('faults combine, and the app still works under a non-fatal one', async () => {
    const { url } = await withFaults('wrong-version', 'no-security-headers');
    const c = new Client(url);
    expect((await c.login()).status).toBe(303);
    const res = await c.get('/api/version');
    expect(res.headers.get('content-security-policy')).toBeNull();
    expect(await res.json()).toEqual({ version: '1.2.3-wrong' });
  });

  it('error-rate-5: one response in 20 is a 500, and the login form is spared', async () => {
    const { url } = await withFaults('error-rate-5');
    const c = new Client(url);
    // Logins between the probes do not count toward the 1-in-20 and always work.
    expect((await c.login()).status).toBe(303);
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) {
      statuses.push((await fetch(`${url}/api/simple-health`)).status);
      if (i === 50) expect((await new Client(url).login()).status).toBe(303);
    }
    // 104 requests in all (4 for the two logins): 5 errors, none of them on the login form.
    expect(statuses.filter((s) => s === 500)).toHaveLength(5);
    expect(statuses.filter((s) => s === 200)).toHaveLength(95);
  });
});

describe('DEMO_ROLE and DEMO_CANARY_FAULTS', () => {
  const base = { PORT: '0', DEMO_FAULTS: 'no-csrf', DEMO_CANARY_FAULTS: 'slow, error-rate-5' };
  it('adds the canary faults to the canary instance only', () => {
    expect(readDemoConfig({ ...base, DEMO_ROLE: 'canary' }).faults).toEqual([
      'no-csrf',
      'slow',
      'error-rate-5',
    ]);
    expect(readDemoConfig({ ...base, DEMO_ROLE: 'baseline' }).faults).toEqual(['no-csrf']);
    expect(readDemoConfig(base).faults).toEqual(['no-csrf']);
  });
  it('refuses an unknown role and an unknown canary fault', () => {
    expect(() => readDemoConfig({ ...base, DEMO_ROLE: 'stable' })).toThrow(/DEMO_ROLE is "stable"/);
    expect(() => readDemoConfig({ DEMO_ROLE: 'canary', DEMO_CANARY_FAULTS: 'slo' })).toThrow(
      UnknownFaultError,
    );
  });
});
