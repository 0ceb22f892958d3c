import { readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObservationError } from '../../src/checks/authoring/errors.ts';
import { locateK6, runK6 } from '../../src/checks/load/k6-run.ts';
import { ingestK6Summary, runK6Script, runLoadProfile } from '../../src/checks/load/run-profile.ts';
import {
  budgets,
  canaryProfile,
  closeServer,
  FAKE_K6,
  fakeK6Env,
  listen,
  ROOT,
  serverURL,
  tempDirs,
} from './helpers.ts';

const dirs = tempDirs();
const temp = () => dirs.make();
// The stand-in sends no request, but rollgate probes the target once before any load: it must answer.
let target: Server;
let TARGET: string;
beforeAll(async () => {
  target = await listen((_req, res) => res.end('ok'));
  TARGET = serverURL(target);
});
afterAll(async () => {
  await closeServer(target);
  dirs.cleanup();
});

describe('running k6 (a stand-in replaying recorded k6 output)', () => {
  it('finds K6_BIN, refuses a K6_BIN that is not executable, and finds nothing on an empty PATH', () => {
    expect(locateK6({ K6_BIN: FAKE_K6 })).toBe(FAKE_K6);
    expect(() => locateK6({ K6_BIN: join(ROOT, 'package.json') })).toThrow(/not an executable file/);
    expect(locateK6({ PATH: temp() })).toBeNull();
  });

  it('exit 0: the profile runs on k6 and its budgets pass on the recorded numbers', async () => {
    const record = join(temp(), 'record.json');
    const res = await runLoadProfile({
      profile: canaryProfile,
      baseURL: TARGET,
      stage: 'canary',
      budgets,
      env: fakeK6Env('pass', { FAKE_K6_RECORD: record }),
      outDir: temp(),
    });
    expect(res.engine).toBe('k6');
    expect(res.status).toBe('passed');
    expect(res.observation).toMatchObject({ requests: 447, failed: 0, latency: { p95: 80.3359861 } });
    expect(res.measurements.map((m) => [m.name, m.actual, m.samples, m.passed])).toEqual([
      ['p95-latency', 80.3359861, 447, true],
      ['error-rate', 0, 447, true],
      ['k6-thresholds-crossed', 0, 447, true],
    ]);
    // Endpoints come from the points stream (recorded names): one table row each.
    expect(res.observation.endpoints.map((e) => [e.endpoint, e.requests])).toEqual([
      ['health', 201],
      ['estimates', 246],
    ]);
    expect(res.evidence.map((e) => e.name)).toEqual([
      'load-percentiles.md',
      'latency-distribution.svg',
      'k6-summary.json',
      'k6-script.js',
    ]);
    const seen = JSON.parse(readFileSync(record, 'utf8'));
    expect(seen.args.slice(0, 4)).toEqual([
      'run',
      '--no-color',
      '--summary-export',
      expect.stringMatching(/k6-summary\.json$/),
    ]);
    expect(seen.args).toContain(`json=${join(res.evidence[2]!.path!, '..', 'k6-points.ndjson')}`);
    expect(seen.script).toContain('"http_req_duration{scenario:load}"');
  });

  it('exit 99: thresholds crossed is a failed rollout, read from the recorded failing run', async () => {
    const res = await runLoadProfile({
      profile: canaryProfile,
      baseURL: TARGET,
      stage: 'canary',
      budgets,
      env: fakeK6Env('fail'),
      outDir: temp(),
    });
    expect(res.status).toBe('failed');
    const rate = res.measurements.find((m) => m.name === 'error-rate')!;
    expect(rate).toMatchObject({ actual: 1018 / 20503, samples: 20503, passed: false });
    expect(res.observation.thresholdsCrossed).toEqual(['checks: rate>0.99', 'http_req_failed: rate<0.001']);
  });

  it('any other exit code is an error of k6 or the script (errored), with what k6 printed', async () => {
    const script = join(temp(), 's.js');
    writeFileSync(script, 'export default function () {}');
    const run = runK6({
      k6Bin: FAKE_K6,
      script,
      outDir: temp(),
      env: fakeK6Env('script-error'),
      timeoutMs: 10_000,
    });
    await expect(run).rejects.toThrow(ObservationError);
    await expect(run).rejects.toThrow(/k6 exited with 107 .*\n.*ReferenceError: nope is not defined/);
  });

  it('exit 99 without a summary, or a k6 that never ends, is errored, never a pass', async () => {
    const script = join(temp(), 's.js');
    writeFileSync(script, 'export default function () {}');
    await expect(
      runK6({ k6Bin: FAKE_K6, script, outDir: temp(), env: fakeK6Env('no-summary'), timeoutMs: 10_000 }),
    ).rejects.toThrow(/k6 exited 99 but wrote no summary/);
    await expect(
      runK6({ k6Bin: FAKE_K6, script, outDir: temp(), env: fakeK6Env('hang'), timeoutMs: 500 }),
    ).rejects.toThrow(/did not finish within 500 ms/);
  });

  it('a hand-written k6 script gets BASE_URL, the budgets as thresholds and a loopback-only IP guard', async () => {
    const record = join(temp(), 'record.json');
    const res = await runK6Script({
      file: join(ROOT, 'load/smoke.k6.ts'),
      baseURL: TARGET,
      budgets,
      env: fakeK6Env('pass', { FAKE_K6_RECORD: record }),
      outDir: temp(),
    });
    expect(res.status).toBe('passed');
    const seen = JSON.parse(readFileSync(record, 'utf8'));
    expect(seen.baseURL).toBe(TARGET);
    expect(seen.script).toMatch(/"http_req_duration": \["p\(95\)<=500"\]/);
    expect(seen.script).toMatch(/"blacklistIPs": \["128\.0\.0\.0\/1", /);
    await expect(
      runK6Script({
        file: join(ROOT, 'load/smoke.k6.ts'),
        baseURL: 'http://10.1.2.3',
        budgets,
        env: fakeK6Env('pass'),
      }),
    ).rejects.toThrow(/refused/);
  });

  it('--k6-summary: a summary from a distributed run is judged by the same budgets', async () => {
    const res = await ingestK6Summary(join(ROOT, 'test/fixtures/k6/fail.summary-export.json'), budgets);
    expect(res).toMatchObject({ engine: 'k6-summary', status: 'failed' });
  });
});
