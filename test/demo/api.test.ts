import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../demo/db/open-store.ts';
import { SECURITY_HEADERS } from '../../demo/security.ts';
import { type DemoServer, serveDemo } from '../../demo/server.ts';
import { Client, startTestDemo, tempDirs } from './helpers.ts';

const dirs = tempDirs();
let demo: DemoServer;

beforeAll(async () => {
  demo = await startTestDemo(dirs.make(), { environment: 'staging' });
});

afterAll(async () => {
  await demo.close();
  dirs.cleanup();
});

describe('API', () => {
  it('simple health answers ok', async () => {
    const res = await fetch(`${demo.url}/api/simple-health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('deep health queries the database and reports version, environment and WAL', async () => {
    const res = await fetch(`${demo.url}/api/health`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({
      status: 'ok',
      version: '1.2.3',
      environment: 'staging',
      maintenance: false,
      checks: {
        database: { status: 'ok', engine: 'sqlite', latencyMs: expect.any(Number), journalMode: 'wal' },
      },
    });
  });

  it('reports the version', async () => {
    expect(await (await fetch(`${demo.url}/api/version`)).json()).toEqual({ version: '1.2.3' });
  });

  it('exposes Prometheus metrics with request counts by route and status', async () => {
    await fetch(`${demo.url}/api/simple-health`);
    await fetch(`${demo.url}/no/such/page`);
    const res = await fetch(`${demo.url}/api/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('# TYPE http_requests_total counter');
    expect(text).toMatch(
      /http_requests_total\{method="GET",route="\/api\/simple-health",status="200"[^}]*\} [1-9]/,
    );
    expect(text).toMatch(/http_requests_total\{method="GET",route="unmatched",status="404"[^}]*\} 1/);
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('sends the security headers on every response and no HSTS over plain HTTP', async () => {
    const c = new Client(demo.url);
    for (const path of ['/login', '/api/health', '/static/app.css', '/no/such/page', '/']) {
      const res = await c.get(path);
      for (const [name, value] of Object.entries(SECURITY_HEADERS))
        expect(res.headers.get(name), path).toBe(value);
      expect(res.headers.get('strict-transport-security'), path).toBeNull();
    }
    expect(SECURITY_HEADERS['Content-Security-Policy']).not.toContain('unsafe-inline');
  });

  it('serves CSS and answers 404 and 405 in the right shape', async () => {
    const css = await fetch(`${demo.url}/static/app.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const apiMissing = await fetch(`${demo.url}/api/nope`);
    expect(apiMissing.status).toBe(404);
    expect(await apiMissing.json()).toEqual({ status: 'error', error: 'Page not found.' });
    const pageMissing = await fetch(`${demo.url}/nope`);
    expect(pageMissing.status).toBe(404);
    expect(pageMissing.headers.get('content-type')).toMatch(/text\/html/);
    const wrongMethod = await fetch(`${demo.url}/api/health`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD');
  });

  it('deep health turns 503 when the database cannot answer, while simple health stays 200', async () => {
    const dir = dirs.make();
    const store = await openStore(`sqlite:${dir}/down.sqlite`);
    const broken = await serveDemo(store, { version: '1.2.3' });
    try {
      await store.close(); // the database goes away under the running app
      const res = await fetch(`${broken.url}/api/health`);
      expect(res.status).toBe(503);
      const body = await res.json();
      expect(body).toMatchObject({
        status: 'error',
        checks: { database: { status: 'error', engine: 'sqlite' } },
      });
      expect((await fetch(`${broken.url}/api/simple-health`)).status).toBe(200);
    } finally {
      await broken.close().catch(() => {});
    }
  });
});
