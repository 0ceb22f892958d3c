import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoServer } from '../../demo/server.ts';
import { parseLoadProfile } from '../../src/checks/load/profile.ts';
import { reasonFor } from '../../src/engine/policy.ts';
import { runLoadCheck } from '../../src/engine/steps/load-stage.ts';
import { Runbook, type Stage } from '../../src/model/runbook.ts';
import { startTestDemo, tempDirs } from '../demo/helpers.ts';

// Long-lived demos for the whole file: a baseline, a healthy canary, one failing 1 response in 20,
// and two slow ones (≥ 800 ms per response): a slow canary against each baseline.
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

/** The same mix from 20 connections, for a canary answering in 800 ms to get tens of samples a slice. */
const crowd = parseLoadProfile({
  name: 'canary',
  endpoints: [
    { name: 'simple-health', path: '/api/simple-health', weight: 3 },
    { name: 'login-page', path: '/login' },
  ],
  connections: 20,
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

  it('a slow canary against a healthy baseline fails the comparison, p < 0.02, both distributions shown, and the p95 budget', async () => {
    // The load-comparison HOLD at check level (it was test/e2e/load.test.ts's DEMO_CANARY_FAULTS=slow
    // gate, and test/load/interleaved.test.ts's comparison of the same demos); the family's gate end
    // to end is test/e2e/metrics-gate.test.ts (an error-rate canary against its baseline).
    // 20 connections, slices of 1.2 s: each connection gets one 800 ms answer from the slow canary
    // per slice (autocannon drops what is still in flight when a slice ends), ~40 in all.
    const c = await runLoadCheck(stage({ slices: 2, sliceMs: 1200 }), 'canary', crowd, {
      baseURL: slowCanary.url,
      baselineURL: baseline.url,
      env: {},
      runDir,
    });
    expect(c.status, c.message).toBe('failed');
    const byName = Object.fromEntries(c.measurements.map((m) => [m.name, m]));
    const latency = byName['canary-latency-vs-baseline']!;
    expect(latency.passed).toBe(false);
    expect(latency.actual as number).toBeGreaterThan(700);
    expect(latency.actual as number).toBeGreaterThan(latency.expected as number);
    expect(latency.note).toMatch(
      /^fail: Mann-Whitney U one-sided p = .*; baseline p50 .* ms \(n=\d+\); canary p50 .* ms \(n=\d+\)$/,
    );
    const pValue = Number(/one-sided p = ([\d.e+-]+)/.exec(latency.note!)![1]);
    expect(pValue).toBeLessThan(0.02);
    const side = (name: string) =>
      new RegExp(`${name} p50 ([\\d.]+), p90 [\\d.]+, p95 [\\d.]+, p99 [\\d.]+ ms \\(n=(\\d+)\\)`).exec(
        latency.note!,
      )!;
    const [, canaryP50, canaryN] = side('canary').map(Number);
    const [, baselineP50, baselineN] = side('baseline').map(Number);
    expect(canaryN).toBeGreaterThanOrEqual(20);
    expect(canaryN).toBe(latency.samples);
    expect(baselineN).toBeGreaterThan(canaryN!);
    expect(canaryP50).toBeGreaterThanOrEqual(800);
    expect(baselineP50).toBeLessThan(200);
    // The canary's own latency budget breaks too, actual above expected.
    expect(byName['p95-latency']).toMatchObject({ operator: '<=', expected: 500, passed: false });
    expect(byName['p95-latency']!.actual as number).toBeGreaterThan(500);
    // The chart and the table show both sides.
    expect(c.evidence.map((e) => e.name)).toEqual([
      'latency-baseline-vs-canary.svg',
      'percentiles-baseline-vs-canary.md',
    ]);
    expect(c.evidence[0]!.body).toContain('data-series="baseline"');
    expect(c.evidence[0]!.body).toContain('data-series="canary"');
    expect(c.evidence[1]!.body).toMatch(/\| simple-health \| canary \|/);
    // The reason the verdict gives (src/engine/policy.ts, as a gate's HOLD prints it).
    const reason = reasonFor(c);
    expect(reason).toMatch(/^load\/canary failed: /);
    expect(reason).toMatch(/Mann-Whitney U one-sided p = \d/);
    expect(reason).toMatch(/baseline p50 [\d.]+, p90 [\d.]+, p95 [\d.]+, p99 [\d.]+ ms \(n=\d+\)/);
    expect(reason).toMatch(/canary p50 [\d.]+, p90 [\d.]+, p95 [\d.]+, p99 [\d.]+ ms \(n=\d+\)/);
    expect(reason).toMatch(/p95-latency \d+(\.\d+)? ms \(<= 500\)/);
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

  it('--k6-summary judges a run made elsewhere on the stage budgets: the passing summary passes, the failing one fails', async () => {
    // The passing half of test/e2e/load.test.ts's --k6-summary gates (that file gates the failing one
    // end to end); the budgets are test/fixtures/runbooks/k6-summary.runbook.ts's.
    const distributed = {
      ...stage(),
      baseline: undefined,
      load: undefined,
      budgets: [
        { name: 'p95-latency', operator: '<=' as const, value: 500, unit: 'ms' },
        { name: 'error-rate', operator: '<' as const, value: 0.01 },
      ],
    };
    const summary = (name: string) =>
      path.join(import.meta.dirname, `../fixtures/k6/${name}.summary-export.json`);
    const judged = (name: string) =>
      runLoadCheck(distributed, 'distributed', undefined, {
        baseURL: healthy.url,
        env: {},
        runDir,
        k6Summary: summary(name),
      });
    const ok = await judged('pass');
    expect(ok).toMatchObject({ id: 'load/k6-summary', status: 'passed', blocking: true });
    expect(ok.measurements.find((m) => m.name === 'p95-latency')).toMatchObject({
      samples: 447,
      passed: true,
    });
    expect(ok.measurements.every((m) => m.passed)).toBe(true);
    const bad = await judged('fail');
    expect(bad.status).toBe('failed');
    expect(bad.measurements.find((m) => m.name === 'error-rate')).toMatchObject({
      actual: 1018 / 20503,
      samples: 20503,
      passed: false,
    });
    expect(reasonFor(bad)).toMatch(/^load\/k6-summary failed: .*error-rate 0\.05 ratio \(< 0\.01\)/);
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
