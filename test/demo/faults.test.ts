import { afterEach, describe, expect, it } from 'vitest';
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
});
