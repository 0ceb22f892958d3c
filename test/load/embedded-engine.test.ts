import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoServer } from '../../demo/server.ts';
import { ObservationError } from '../../src/checks/authoring/errors.ts';
import { assertLoadPassed } from '../../src/checks/load/canary-run.ts';
import { LoadRefusedError } from '../../src/checks/load/hosts.ts';
import { type LoadProfile, loadProfileFile, parseLoadProfile } from '../../src/checks/load/profile.ts';
import { runLoadProfile } from '../../src/checks/load/run-profile.ts';
import { startTestDemo, tempDirs } from '../demo/helpers.ts';
import { closeServer as close, listen, ROOT, serverURL as url } from './helpers.ts';

// Real demos on 127.0.0.1 with SQLite files; loads of 0.5-2 s keep this file near 7 s.
const dirs = tempDirs();
let healthy: DemoServer;
let slow: DemoServer;
const CREDENTIALS = { SMOKE_USER: 'demo', SMOKE_PASSWORD: 'demo-password' };
const engineOnly = { ...CREDENTIALS, PATH: '' }; // no k6 on this PATH: the embedded engine runs

beforeAll(async () => {
  [healthy, slow] = await Promise.all([
    startTestDemo(dirs.make()),
    startTestDemo(dirs.make(), { faults: ['slow'] }),
  ]);
});
afterAll(async () => {
  await Promise.all([healthy?.close(), slow?.close()]);
  dirs.cleanup();
});

// The shipped example (load/canary.profile.ts), shortened: proves it runs against the demo as is.
let canary: LoadProfile;
beforeAll(async () => {
  canary = { ...(await loadProfileFile('load/canary.profile.ts', ROOT)), duration: 1500, warmup: 300 };
});
const healthOnly = (over: Record<string, unknown> = {}) =>
  parseLoadProfile({
    name: 'health',
    endpoints: [{ path: '/api/simple-health' }],
    duration: '1s',
    stages: ['canary'],
    ...over,
  });
const latencyBudgets = [
  { name: 'p95-latency', operator: '<=' as const, value: 500 },
  { name: 'p99-latency', operator: '<=' as const, value: 2000 },
];

describe('embedded engine (autocannon) against a real demo', () => {
  it('healthy demo, signed in: latency and error-rate budgets pass, with sample counts', async () => {
    const res = await runLoadProfile({
      profile: canary,
      baseURL: healthy.url,
      stage: 'canary',
      budgets: [...latencyBudgets, { name: 'error-rate', operator: '<', value: 0.005 }],
      env: engineOnly,
    });
    expect(res.engine).toBe('autocannon');
    expect(res.status).toBe('passed');
    expect(res.observation.requests).toBeGreaterThanOrEqual(600); // what "< 0.5%" needs
    for (const m of res.measurements) expect(m.samples).toBe(res.observation.requests);
    // The session held: every /estimates request got the signed-in page (a 302 would count as failed).
    const estimates = res.observation.endpoints.find((e) => e.endpoint === 'estimates')!;
    expect(estimates.requests).toBeGreaterThan(10);
    expect(estimates.failed).toBe(0);
    expect(res.observation.endpoints.map((e) => e.endpoint).sort()).toEqual([
      'estimates',
      'login-page',
      'simple-health',
    ]);
    expect(() => assertLoadPassed(res.measurements)).not.toThrow();
  });

  it('DEMO_FAULTS=slow: the p95 budget fails with the actual above the expected', async () => {
    const res = await runLoadProfile({
      profile: healthOnly({ duration: '2s' }),
      baseURL: slow.url,
      stage: 'canary',
      budgets: latencyBudgets,
      env: engineOnly,
    });
    expect(res.status).toBe('failed');
    const p95 = res.measurements.find((m) => m.name === 'p95-latency')!;
    expect(p95.passed).toBe(false);
    expect(p95.actual as number).toBeGreaterThanOrEqual(800);
    expect(p95.actual as number).toBeGreaterThan(p95.expected as number);
    expect(p95.samples).toBeGreaterThanOrEqual(10);
    expect(() => assertLoadPassed(res.measurements)).toThrow(
      /p95-latency: \d+(\.\d+)? ms violates <= 500 ms/,
    );
  });

  it('a rate budget on too few requests is inconclusive (errored) unless it judges low volume', async () => {
    const strict = { name: 'error-rate', operator: '<' as const, value: 0.001 };
    const res = await runLoadProfile({
      profile: healthOnly({ duration: '500ms', arrivalRate: 100, connections: 4 }),
      baseURL: healthy.url,
      stage: 'canary',
      budgets: [strict, { ...strict, name: 'error-rate-judged', lowVolume: 'judge' }],
      env: engineOnly,
    });
    const [inconclusive, judged] = res.measurements;
    expect(inconclusive!.note).toMatch(/^inconclusive: \d+ samples, need at least 3000$/);
    expect(judged).toMatchObject({ actual: 0, passed: true });
    expect(res.status).toBe('errored');
    expect(() => assertLoadPassed(res.measurements)).toThrow(ObservationError);
  });

  it('5% of responses 500: the error-rate budget fails', async () => {
    let n = 0;
    const flaky = await listen((_req, res) => {
      res.statusCode = ++n % 20 === 0 ? 500 : 200;
      res.end('ok');
    });
    try {
      const res = await runLoadProfile({
        profile: healthOnly({ connections: 4 }),
        baseURL: url(flaky),
        stage: 'canary',
        budgets: [{ name: 'error-rate', operator: '<', value: 0.005 }],
        env: engineOnly,
      });
      expect(res.observation.requests).toBeGreaterThan(600);
      expect(res.measurements[0]!.actual as number).toBeCloseTo(0.05, 2);
      expect(res.status).toBe('failed');
    } finally {
      await close(flaky);
    }
  });

  it('nothing answering is refused before any load: unreachable, never a pass', async () => {
    const gone = await listen(() => {});
    const target = url(gone);
    await close(gone);
    const run = runLoadProfile({
      profile: healthOnly({ duration: '500ms' }),
      baseURL: target,
      stage: 'canary',
      budgets: latencyBudgets,
      env: engineOnly,
    });
    await expect(run).rejects.toThrow(
      new RegExp(`^unreachable: ${target}: ECONNREFUSED \\(connect ECONNREFUSED .*\\); no load was sent$`),
    );
    await expect(run).rejects.toBeInstanceOf(ObservationError);
  });

  it('a wrong password stops before any load, naming the problem and not the password', async () => {
    const run = runLoadProfile({
      profile: canary,
      baseURL: healthy.url,
      stage: 'canary',
      budgets: latencyBudgets,
      env: { ...engineOnly, SMOKE_PASSWORD: 'not-the-password' },
    });
    await expect(run).rejects.toThrow(ObservationError);
    await expect(run).rejects.toThrow(/POST \/login answered 401.*check the credentials/);
    await expect(run).rejects.not.toThrow(/not-the-password/);
  });

  it('a stage or host the profile does not allow is refused before any request', async () => {
    let requests = 0;
    const counter = await listen((_req, res) => {
      requests++;
      res.end('ok');
    });
    try {
      await expect(
        runLoadProfile({
          profile: healthOnly(),
          baseURL: url(counter),
          stage: 'production',
          budgets: [],
          env: engineOnly,
        }),
      ).rejects.toThrow(LoadRefusedError);
      await expect(
        runLoadProfile({
          profile: healthOnly(),
          baseURL: 'http://10.255.255.1:9',
          stage: 'canary',
          budgets: [],
          env: engineOnly,
        }),
      ).rejects.toMatchObject({ code: 'ROLLGATE_LOAD_HOST_REFUSED' });
      expect(requests).toBe(0);
    } finally {
      await close(counter);
    }
  });
});
