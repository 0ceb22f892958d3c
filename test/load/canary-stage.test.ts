import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoServer } from '../../demo/server.ts';
import { parseLoadProfile } from '../../src/checks/load/profile.ts';
import { runLoadCheck } from '../../src/engine/steps/load-stage.ts';
import { Runbook, type Stage } from '../../src/model/runbook.ts';
import { startTestDemo, tempDirs } from '../demo/helpers.ts';

// Long-lived demos for the whole file: a baseline, a healthy canary, and one failing 1 response in 20.
const dirs = tempDirs();
let baseline: DemoServer;
let healthy: DemoServer;
let errors: DemoServer;
let slowBaseline: DemoServer;
let slowCanary: DemoServer;
const runDir = mkdtempSync(path.join(tmpdir(), 'rollgate-canary-stage-'));

beforeAll(async () => {
  [baseline, healthy, errors, slowBaseline, slowCanary] = await Promise.all([
    startTestDemo(dirs.make()),
    startTestDemo(dirs.make()),
    startTestDemo(dirs.make(), { faults: ['error-rate-5'] }),
    // DEMO_FAULTS=slow reaches both instances.
    startTestDemo(dirs.make(), { faults: ['slow'] }),
    startTestDemo(dirs.make(), { faults: ['slow'] }),
  ]);
});
afterAll(async () => {
  await Promise.all([baseline, healthy, errors, slowBaseline, slowCanary].map((d) => d?.close()));
  dirs.cleanup();
  rmSync(runDir, { recursive: true, force: true });
});

const profile = parseLoadProfile({
  name: 'canary',
  endpoints: [
    { name: 'simple-health', path: '/api/simple-health', weight: 3 },
    { name: 'login-page', path: '/login' },
  ],
  connections: 4,
  duration: '1s',
  warmup: '200ms',
  stages: ['canary'],
});

/** A canary stage as a runbook declares it, parsed by the real schema (defaults included). */
function stage(compare: Record<string, number> = {}): Stage {
  const rb = Runbook.parse({
    name: 't',
    targets: { canary: { baseURL: 'http://127.0.0.1:1' }, baseline: { baseURL: 'http://127.0.0.1:2' } },
    stages: {
      canary: {
        target: 'canary',
        baseline: 'baseline',
        suites: ['x.suite.ts'],
        load: { profile: 'load/canary.profile.ts', compare: { slices: 2, sliceMs: 500, ...compare } },
        budgets: [
          { name: 'p95-latency', operator: '<=', value: 500, unit: 'ms' },
          { name: 'error-rate', operator: '<', value: 0.005 },
        ],
      },
    },
  });
  return rb.stages.canary!;
}

const run = (canaryURL: string, baselineURL: string | undefined, s = stage(), notRun?: string) =>
  runLoadCheck(s, 'canary', profile, { baseURL: canaryURL, baselineURL, env: {}, runDir, notRun });

describe('a canary stage with a baseline', () => {
  it('a healthy canary passes the comparison and the budgets, with chart and table as evidence', async () => {
    const c = await run(healthy.url, baseline.url);
    expect(c.status, c.message).toBe('passed');
    expect(c.measurements.map((m) => m.name)).toEqual([
      'canary-latency-vs-baseline',
      'canary-error-rate-vs-baseline',
      'p95-latency',
      'error-rate',
    ]);
    expect(c.measurements.every((m) => m.samples > 0)).toBe(true);
    expect(c.evidence.map((e) => e.name)).toEqual([
      'latency-baseline-vs-canary.svg',
      'percentiles-baseline-vs-canary.md',
    ]);
    expect(c.message).toMatch(
      /^canary (pass|marginal): .* baseline and \d+ canary requests judged \(warm-up included: \d+ sent, \d+ answered to the canary, \d+ sent, \d+ answered to the baseline\)$/,
    );
  });

  it('a canary answering 500 to 1 request in 20 fails on error rate against the baseline and the budget', async () => {
    const c = await run(errors.url, baseline.url);
    expect(c.status).toBe('failed');
    const byName = Object.fromEntries(c.measurements.map((m) => [m.name, m]));
    expect(byName['canary-error-rate-vs-baseline']!.passed).toBe(false);
    // 1 in 20 over all the canary's requests (login ones included), so about 5% of the sampled ones.
    expect(byName['canary-error-rate-vs-baseline']!.actual as number).toBeGreaterThan(0.03);
    expect(byName['canary-error-rate-vs-baseline']!.actual as number).toBeLessThan(0.07);
    expect(byName['error-rate']!.passed).toBe(false);
    // The message leads with the comparison's note: both rates and the p-value (on a fast machine,
    // tens of thousands of requests make it underflow: `p < 1e-300`).
    expect(c.message!.split('\n')[0]).toMatch(
      /^canary-error-rate-vs-baseline: fail: canary error rate \d(\.\d+)?% \(\d+\/\d+\) vs baseline 0% .* p [=<] /,
    );
  });

  it('DEMO_FAULTS=slow on both sides: the comparison cannot see it, the p95 budget holds, actual above expected', async () => {
    // Slices longer than the 800 ms answers, or no request completes inside one.
    const c = await run(slowCanary.url, slowBaseline.url, stage({ minSamples: 5, sliceMs: 1500 }));
    expect(c.status).toBe('failed');
    const byName = Object.fromEntries(c.measurements.map((m) => [m.name, m]));
    expect(byName['canary-latency-vs-baseline']!.passed).toBe(true);
    expect(byName['p95-latency']).toMatchObject({ operator: '<=', expected: 500, passed: false });
    expect(byName['p95-latency']!.actual as number).toBeGreaterThan(500);
  });

  it('too few samples for the comparison is errored (inconclusive), never a pass', async () => {
    const c = await run(healthy.url, baseline.url, stage({ minSamples: 1_000_000 }));
    expect(c.status).toBe('errored');
    expect(c.measurements.find((m) => m.name === 'canary-latency-vs-baseline')).toMatchObject({
      actual: null,
      passed: false,
    });
  });

  it('a baseline that is not there errors the check; a stage that could not start does not run it', async () => {
    const missing = await run(healthy.url, undefined);
    expect(missing).toMatchObject({ status: 'errored', measurements: [] });
    expect(missing.message).toMatch(/baseline "baseline" has no URL/);
    const deployed = await runLoadCheck(stage(), 'canary', profile, {
      baseURL: healthy.url,
      baselineMissing: 'no URL for baseline "baseline": give --baseline-url',
      env: {},
      runDir,
    });
    expect(deployed).toMatchObject({ status: 'errored' });
    expect(deployed.message).toMatch(/give --baseline-url/);
    const down = await run(healthy.url, 'http://127.0.0.1:9');
    expect(down.status).toBe('errored');
    const notRun = await run(healthy.url, baseline.url, stage(), 'embedded target failed to start');
    expect(notRun).toMatchObject({ status: 'errored', message: 'not run: embedded target failed to start' });
  });

  it('--k6-summary cannot stand in for a baseline comparison, nor pass a stage without load budgets', async () => {
    const summary = path.join(import.meta.dirname, '../fixtures/k6/pass.summary-export.json');
    const compared = await runLoadCheck(stage(), 'canary', undefined, {
      baseURL: healthy.url,
      env: {},
      runDir,
      k6Summary: summary,
    });
    expect(compared.status).toBe('errored');
    expect(compared.message).toMatch(
      /compares the canary against baseline "baseline", which a summary cannot do/,
    );
    const bare = {
      ...stage(),
      baseline: undefined,
      budgets: [{ name: 'lcp', operator: '<' as const, value: 2500, unit: 'ms' }],
    };
    const nothing = await runLoadCheck(bare, 'canary', undefined, {
      baseURL: healthy.url,
      env: {},
      runDir,
      k6Summary: summary,
    });
    expect(nothing.status).toBe('errored');
    expect(nothing.message).toMatch(/has no load budgets/);
    const noProfile = await runLoadCheck(stage(), 'canary', undefined, {
      baseURL: healthy.url,
      baselineURL: baseline.url,
      env: {},
      runDir,
    });
    expect(noProfile).toMatchObject({ status: 'errored', id: 'load/k6-summary' });
  });
});
