import { readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CONNECTION_LEAK_ROUTE,
  describeFaults,
  FAULT_NAMES,
  MEMORY_LEAK_BYTES,
  ROUTE_ERRORS_ROUTE,
  resolveFaults,
} from '../../demo/faults.ts';
import type { DemoServer } from '../../demo/server.ts';
import { Client, startTestDemo, tempDirs } from './helpers.ts';
import { sampleValue, scrape } from './metrics-scrape.ts';

const dirs = tempDirs();
const running: DemoServer[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.close()));
  dirs.cleanup();
});

async function start(dir: string, faults: string[] = []): Promise<DemoServer> {
  const demo = await startTestDemo(dir, { faults });
  running.push(demo);
  return demo;
}

/** `count` GETs of `path`, `parallel` at a time; returns the statuses. */
async function hit(url: string, count: number, parallel = 16): Promise<number[]> {
  const statuses: number[] = [];
  for (let sent = 0; sent < count; sent += parallel) {
    const batch = Array.from({ length: Math.min(parallel, count - sent) }, async () => {
      const res = await fetch(url, { redirect: 'manual' });
      await res.arrayBuffer();
      return res.status;
    });
    statuses.push(...(await Promise.all(batch)));
  }
  return statuses;
}

/** Open file descriptors of this process on `file` (Linux /proc): real SQLite handles, not a counter. */
function openHandles(file: string): number {
  const fds = readdirSync('/proc/self/fd');
  return fds.filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false; // closed between the listing and the read
    }
  }).length;
}

describe('metric faults in the registry', () => {
  it('knows memory-leak, connection-leak and route-errors, healthy by default, naming their routes', () => {
    expect(FAULT_NAMES).toEqual(expect.arrayContaining(['memory-leak', 'connection-leak', 'route-errors']));
    expect(resolveFaults([])).toMatchObject({
      retainBytesPerRequest: 0,
      leakConnectionRoute: null,
      errorRoutes: [],
    });
    const text = Object.fromEntries(describeFaults().map((f) => [f.name, f.description]));
    expect(text['connection-leak']).toContain(CONNECTION_LEAK_ROUTE);
    expect(text['route-errors']).toContain(ROUTE_ERRORS_ROUTE);
    expect(text['memory-leak']).toContain('64 KB');
  });
});

describe('metric faults in a running demo', () => {
  it('memory-leak: resident and external memory grow by what the requests kept, a healthy demo does not', async () => {
    const requests = 600;
    const kept = requests * MEMORY_LEAK_BYTES; // ~39 MB
    const growth = async (demo: DemoServer) => {
      const before = await scrape(demo.url);
      expect(await hit(`${demo.url}/api/simple-health`, requests)).toEqual(Array(requests).fill(200));
      const after = await scrape(demo.url);
      const delta = (name: string) => sampleValue(after, name) - sampleValue(before, name);
      return { rss: delta('process_resident_memory_bytes'), external: delta('nodejs_external_memory_bytes') };
    };
    // A first healthy run is warm-up: the process's heap, JIT and HTTP client grow by tens of MB
    // on their first hundreds of requests, which would swamp whatever the next run measures.
    const warm = await start(dirs.make());
    await growth(warm);
    const healthy = await growth(warm);
    const leaky = await growth(await start(dirs.make(), ['memory-leak']));
    // Both demos share this process: each delta is the whole process's, under the same traffic.
    expect(leaky.external).toBeGreaterThanOrEqual(kept * 0.9);
    expect(healthy.external).toBeLessThan(kept * 0.25);
    expect(leaky.rss).toBeGreaterThan(kept * 0.6);
    expect(leaky.rss - healthy.rss).toBeGreaterThan(kept * 0.5);
  });

  it(`connection-leak: each request to ${CONNECTION_LEAK_ROUTE} leaves one more real SQLite handle open`, async () => {
    const dir = dirs.make();
    const file = join(dir, 'demo.sqlite');
    const demo = await start(dir, ['connection-leak']);
    const inUse = async () => sampleValue(await scrape(demo.url), 'demo_db_connections_in_use');
    expect(await inUse()).toBe(1);
    const handlesBefore = openHandles(file);
    expect(handlesBefore).toBe(1);

    expect(await hit(demo.url + CONNECTION_LEAK_ROUTE, 7, 3)).toEqual(Array(7).fill(200));
    expect(await inUse()).toBe(8);
    expect(openHandles(file)).toBe(handlesBefore + 7);

    // Other routes, database ones included, open nothing.
    const c = new Client(demo.url);
    expect((await c.login()).status).toBe(303);
    expect((await c.get('/estimates')).status).toBe(200);
    expect(await hit(`${demo.url}/api/simple-health`, 5)).toEqual(Array(5).fill(200));
    expect(await inUse()).toBe(8);
    expect(openHandles(file)).toBe(8);

    await demo.close();
    expect(openHandles(file)).toBe(0);
  });

  it(`route-errors: ${ROUTE_ERRORS_ROUTE} answers 500 to every method, other routes work, and its 500 series counts them`, async () => {
    const demo = await start(dirs.make(), ['route-errors']);
    const c = new Client(demo.url);
    expect((await c.login()).status).toBe(303);
    for (let i = 0; i < 3; i++) expect((await c.get(ROUTE_ERRORS_ROUTE)).status).toBe(500);
    expect((await new Client(demo.url).get(ROUTE_ERRORS_ROUTE)).status).toBe(500); // signed out too
    expect((await c.post(ROUTE_ERRORS_ROUTE, { title: 'x' })).status).toBe(500);
    for (const path of ['/estimates/new', '/api/estimates', '/api/health', '/login'])
      expect((await c.get(path)).status, path).toBe(path === '/login' ? 303 : 200);

    const samples = await scrape(demo.url);
    const count = (method: string, status: string) =>
      sampleValue(samples, 'http_requests_total', { method, route: ROUTE_ERRORS_ROUTE, status });
    expect(count('GET', '500')).toBe(4);
    expect(count('POST', '500')).toBe(1);
    expect(count('GET', '200')).toBe(0);
    expect(sampleValue(samples, 'http_requests_total', { route: '/api/estimates', status: '500' })).toBe(0);
    expect(sampleValue(samples, 'http_requests_total', { route: '/api/estimates', status: '200' })).toBe(1);
  });
});
