import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDemoConfig } from '../../demo/config.ts';
import { openStore } from '../../demo/db/open-store.ts';
import { allRoutes } from '../../demo/routes/index.ts';
import { type DemoServer, serveDemo, startDemo } from '../../demo/server.ts';
import { Client, csrfFrom, startTestDemo, tempDirs } from './helpers.ts';
import { sampleValue, scrape, select } from './metrics-scrape.ts';

const dirs = tempDirs();
let demo: DemoServer;

beforeAll(async () => {
  demo = await startTestDemo(dirs.make(), { role: 'canary', faults: ['wrong-version'] });
});

afterAll(async () => {
  await demo.close();
  dirs.cleanup();
});

describe('/api/metrics of the demo', () => {
  it('labels every series, default metrics included, with the role and the reported version', async () => {
    const samples = await scrape(demo.url);
    expect(samples.length).toBeGreaterThan(50);
    for (const s of samples) {
      // nodejs_version_info's own `version` label (Node's) wins over the default one: prom-client
      // lets a metric's labels override default labels.
      const version = s.name === 'nodejs_version_info' ? process.version : '1.2.3-wrong';
      expect(s.labels, s.name).toMatchObject({ role: 'canary', version });
    }
    // The memory and event-loop metrics the canary stage judges come from collectDefaultMetrics.
    for (const name of [
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_external_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_eventloop_lag_p99_seconds',
    ]) {
      expect(sampleValue(samples, name), name).toBeGreaterThanOrEqual(0);
    }
    expect(sampleValue(samples, 'process_resident_memory_bytes')).toBeGreaterThan(10_000_000);
  });

  it('takes the role from DEMO_ROLE and says primary without one', async () => {
    const env = { PORT: '0', DEMO_ROLE: 'baseline', DEMO_VERSION: '2.0.0' };
    const baseline = await startDemo({
      ...readDemoConfig(env),
      databaseUrl: `sqlite:${dirs.make()}/b.sqlite`,
    });
    const primary = await startTestDemo(dirs.make());
    try {
      const b = await scrape(baseline.url);
      expect(select(b, 'http_requests_total')[0]?.labels).toMatchObject({
        role: 'baseline',
        version: '2.0.0',
      });
      const p = await scrape(primary.url);
      expect(select(p, 'process_resident_memory_bytes')[0]?.labels).toEqual({
        role: 'primary',
        version: '1.2.3',
      });
    } finally {
      await Promise.all([baseline.close(), primary.close()]);
    }
  });

  it('counts every known route at 0 for 200 and 500 before its first request', async () => {
    const fresh = await startTestDemo(dirs.make());
    try {
      const samples = await scrape(fresh.url);
      const routes = allRoutes();
      expect(routes.length).toBeGreaterThan(10);
      // The scrape's own request is counted when its response finishes, after this body was made.
      for (const route of routes) {
        for (const status of ['200', '500']) {
          const labels = { method: route.method, route: route.path, status };
          expect(
            sampleValue(samples, 'http_requests_total', labels),
            `${route.method} ${route.path} ${status}`,
          ).toBe(0);
        }
      }
      expect(
        sampleValue(samples, 'http_requests_total', { route: '/estimates', method: 'GET', status: '500' }),
      ).toBe(0);
      // The first 500 of a route moves its counter from 0 to 1: the increase Prometheus can see.
      const store = await openStore(`sqlite:${dirs.make()}/closing.sqlite`);
      const broken = await serveDemo(store, { version: '1.2.3' });
      try {
        const before = await scrape(broken.url);
        expect(sampleValue(before, 'http_requests_total', { route: '/api/estimates', status: '500' })).toBe(
          0,
        );
        const c = new Client(broken.url);
        expect((await c.login()).status).toBe(303);
        await store.close();
        expect((await c.get('/api/estimates')).status).toBe(500);
        const after = await scrape(broken.url);
        expect(sampleValue(after, 'http_requests_total', { route: '/api/estimates', status: '500' })).toBe(1);
        // The store is gone: no handle is open any more, and the gauge says so.
        expect(sampleValue(after, 'demo_db_connections_in_use')).toBe(0);
      } finally {
        await broken.close().catch(() => {});
      }
    } finally {
      await fresh.close();
    }
  });

  it('reports the one SQLite handle as the connections in use, however many requests ran', async () => {
    expect(sampleValue(await scrape(demo.url), 'demo_db_connections_in_use')).toBe(1);
    const c = new Client(demo.url);
    expect((await c.login()).status).toBe(303);
    await Promise.all(Array.from({ length: 20 }, () => c.get('/api/health')));
    expect(sampleValue(await scrape(demo.url), 'demo_db_connections_in_use')).toBe(1);
  });

  it('counts estimates-cache hits and misses, and a write shows at once', async () => {
    const fresh = await startTestDemo(dirs.make());
    try {
      const cache = async () => {
        const samples = await scrape(fresh.url);
        return {
          hits: sampleValue(samples, 'demo_cache_hits_total'),
          misses: sampleValue(samples, 'demo_cache_misses_total'),
        };
      };
      expect(await cache()).toEqual({ hits: 0, misses: 0 });
      const c = new Client(fresh.url);
      expect((await c.login()).status).toBe(303);
      expect((await c.get('/estimates')).status).toBe(200);
      expect(await cache()).toEqual({ hits: 0, misses: 1 });
      expect((await c.get('/estimates')).status).toBe(200);
      expect((await c.get('/api/estimates')).status).toBe(200);
      expect(await cache()).toEqual({ hits: 2, misses: 1 });

      const created = await c.post('/estimates', {
        _csrf: csrfFrom(await (await c.get('/estimates/new')).text()),
        title: 'Cache buster',
        item_description: ['Paint'],
        item_quantity: ['2'],
        item_unit_price: ['10.00'],
      });
      expect(created.status).toBe(303);
      // The write dropped the cached list: this read goes to the database and sees the new estimate.
      const body = (await (await c.get('/api/estimates')).json()) as { estimates: { title: string }[] };
      expect(body.estimates.map((e) => e.title)).toEqual(['Cache buster']);
      expect(await cache()).toEqual({ hits: 2, misses: 2 });
    } finally {
      await fresh.close();
    }
  });
});
