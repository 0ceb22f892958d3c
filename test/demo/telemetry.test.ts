import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDemoConfig } from '../../demo/config.ts';
import { parseDatabaseUrl } from '../../demo/db/url.ts';
import { type DemoServer, startDemo } from '../../demo/server.ts';
import { telemetryInfo } from '../../demo/telemetry.ts';
import { tempDirs } from './helpers.ts';

/**
 * `file:` database URLs, `/api/telemetry`, and the faults the seed runbooks need: memory-db,
 * telemetry-wrong-env, no-jwks. Real demos on 127.0.0.1, each on its own data folder.
 */
const dirs = tempDirs();
const started: DemoServer[] = [];
const start = async (dir: string, over: Partial<Parameters<typeof startDemo>[0]> = {}) => {
  const demo = await startDemo({
    databaseUrl: `file:${join(dir, 'data', 'paintbox.db')}?mode=wal`,
    version: '1.2.3',
    ...over,
  });
  started.push(demo);
  return demo;
};
/** The fields these tests read of /api/health, /api/telemetry and the JWKS. */
interface Answer {
  environment: string;
  checks: { database: Record<string, unknown> };
  database: { sizeBytes: number | null };
  keys: unknown[];
}
const json = async (demo: DemoServer, path: string) => {
  const res = await fetch(demo.url + path);
  return { status: res.status, body: (await res.json()) as Answer };
};

afterAll(async () => {
  await Promise.all(started.map((d) => d.close()));
  dirs.cleanup();
});

describe('file: database URLs', () => {
  it.each([
    ['file:/data/paintbox.db?mode=wal', '/data/paintbox.db'],
    ['file:data/paintbox.db', '/srv/data/paintbox.db'],
    ['file:///data/paintbox.db?mode=rwc', '/data/paintbox.db'],
    ['file://localhost/data/my%20app.db', '/data/my app.db'],
  ])('%s is the SQLite file %s', (url, path) => {
    expect(parseDatabaseUrl(url, '/srv')).toEqual({ engine: 'sqlite', path });
  });

  it.each([
    ['file::memory:', /in-memory SQLite/],
    ['file:x.db?mode=memory', /in-memory SQLite/],
    ['file:x.db?vfs=memdb', /in-memory SQLite/],
    ['file:x.db?mode=ro', /mode=ro is not supported/],
    ['file://db.internal/x.db', /names no host/],
    ['file:x%zz.db', /broken %-escape/],
  ])('%s is refused', (url, reason) => {
    expect(() => parseDatabaseUrl(url, '/srv')).toThrow(reason);
  });
});

describe('a demo on file:<dir>/data/paintbox.db?mode=wal', () => {
  let demo: DemoServer;
  let dir: string;
  beforeAll(async () => {
    dir = dirs.make();
    demo = await start(dir, {
      environment: 'staging',
      telemetry: telemetryInfo(
        {
          DEMO_BUILD_COMMIT: 'abc1234',
          DEMO_BUILT_AT: '2025-08-22T09:30:00Z',
          COMPANYCAM_API_KEY: 'k',
          SALESFORCE_USERNAME: 'u',
          SALESFORCE_PASSWORD: 'p',
        },
        new Date(0),
      ),
    });
  });

  it('creates the data folder and the file, in WAL', async () => {
    expect(existsSync(join(dir, 'data', 'paintbox.db'))).toBe(true);
    const { body } = await json(demo, '/api/health');
    expect(body.checks.database).toMatchObject({ status: 'ok', journalMode: 'wal' });
  });

  it('reports its telemetry: environment, build, integrations, database, process', async () => {
    const { status, body } = await json(demo, '/api/telemetry');
    expect(status).toBe(200);
    expect(body).toEqual({
      environment: 'staging',
      build: { version: '1.2.3', commit: 'abc1234', builtAt: '2025-08-22T09:30:00.000Z' },
      // Salesforce needs its security token too: without it, not configured.
      integrations: {
        salesforce: { configured: false, status: 'not-configured' },
        companycam: { configured: true, status: 'ok' },
      },
      database: { engine: 'sqlite', persistent: true, journalMode: 'wal', sizeBytes: expect.any(Number) },
      process: {
        rssBytes: expect.any(Number),
        heapUsedBytes: expect.any(Number),
        uptimeSeconds: expect.any(Number),
      },
      webVitals: { reporting: false },
    });
    expect(body.database.sizeBytes).toBeGreaterThan(0);
    expect(JSON.stringify(body)).not.toMatch(/"(k|u|p)"/);
  });

  it('serves its JWKS', async () => {
    expect((await json(demo, '/.well-known/jwks.json')).body.keys).toHaveLength(1);
  });
});

describe('telemetry from the environment', () => {
  it('reads commit, build time and integrations; unknown commit and start time by default', () => {
    const now = new Date('2026-01-02T03:04:05Z');
    expect(telemetryInfo({}, now)).toEqual({
      commit: 'unknown',
      builtAt: '2026-01-02T03:04:05.000Z',
      salesforce: false,
      companycam: false,
    });
    const all = {
      SALESFORCE_USERNAME: 'u',
      SALESFORCE_PASSWORD: 'p',
      SALESFORCE_SECURITY_TOKEN: 't',
      COMPANYCAM_API_KEY: ' ',
    };
    expect(telemetryInfo(all, now)).toMatchObject({ salesforce: true, companycam: false });
  });

  it('refuses a DEMO_BUILT_AT that is not a time, at start-up', () => {
    expect(() => readDemoConfig({ DEMO_BUILT_AT: 'yesterday' })).toThrow(
      /DEMO_BUILT_AT="yesterday" is not a time/,
    );
    expect(readDemoConfig({ DEMO_BUILD_COMMIT: 'f00' }).telemetry).toMatchObject({ commit: 'f00' });
  });
});

describe('faults for the seed runbooks', () => {
  it('memory-db: no file is written, health says journal mode memory, telemetry not persistent', async () => {
    const dir = dirs.make();
    const demo = await start(dir, { faults: ['memory-db'] });
    expect(existsSync(join(dir, 'data', 'paintbox.db'))).toBe(false);
    const health = await json(demo, '/api/health');
    expect(health.status).toBe(200);
    expect(health.body.checks.database).toMatchObject({ status: 'ok', journalMode: 'memory' });
    const telemetry = await json(demo, '/api/telemetry');
    expect(telemetry.body.database).toEqual({
      engine: 'sqlite',
      persistent: false,
      journalMode: 'memory',
      sizeBytes: null,
    });
    // The app still works on it: the demo user can sign in.
    const login = await fetch(`${demo.url}/login`);
    expect(login.status).toBe(200);
  });

  it('memory-db still refuses a database URL that is wrong', async () => {
    await expect(startDemo({ databaseUrl: 'redis://x', faults: ['memory-db'] })).rejects.toThrow(
      /unrecognised database URL/,
    );
  });

  it.each([
    ['production', 'staging'],
    ['staging', 'production'],
    ['demo', 'production'],
  ])('telemetry-wrong-env: a demo in %s reports %s', async (environment, reported) => {
    const demo = await start(dirs.make(), { environment, faults: ['telemetry-wrong-env'] });
    expect((await json(demo, '/api/telemetry')).body.environment).toBe(reported);
    // Only the telemetry lies: deep health still says where it runs.
    expect((await json(demo, '/api/health')).body.environment).toBe(environment);
  });

  it('no-jwks: the key set answers 404, everything else works', async () => {
    const demo = await start(dirs.make(), { faults: ['no-jwks'] });
    expect((await fetch(`${demo.url}/.well-known/jwks.json`)).status).toBe(404);
    expect((await fetch(`${demo.url}/api/simple-health`)).status).toBe(200);
  });
});
