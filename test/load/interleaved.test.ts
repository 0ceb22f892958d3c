import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoServer } from '../../demo/server.ts';
import { runCanaryComparison } from '../../src/checks/load/canary-run.ts';
import { sliceOrder } from '../../src/checks/load/interleaved.ts';
import { parseLoadProfile } from '../../src/checks/load/profile.ts';
import { startTestDemo, tempDirs } from '../demo/helpers.ts';

// Three real demos: a baseline, a healthy canary and a slow canary (≥ 800 ms per response).
const dirs = tempDirs();
let baseline: DemoServer;
let healthy: DemoServer;
let slow: DemoServer;

beforeAll(async () => {
  [baseline, healthy, slow] = await Promise.all([
    startTestDemo(dirs.make()),
    startTestDemo(dirs.make()),
    startTestDemo(dirs.make(), { faults: ['slow'] }),
  ]);
});
afterAll(async () => {
  await Promise.all([baseline?.close(), healthy?.close(), slow?.close()]);
  dirs.cleanup();
});

/**
 * A closed model (a few connections, back to back) rather than an arrival rate: autocannon
 * enforces a rate per connection per whole second, so each short slice would open with a burst
 * whose queueing, not the app, sets the latencies. Back to back, both sides see the same steady load.
 */
const profile = (connections: number) =>
  parseLoadProfile({
    name: 'compare',
    endpoints: [
      { name: 'simple-health', path: '/api/simple-health', weight: 3 },
      { name: 'login-page', path: '/login' },
    ],
    connections,
    duration: '1s',
    warmup: '200ms',
    stages: ['canary'],
  });

describe('interleaved baseline-versus-canary', () => {
  it('slices alternate in ABBA pairs', () => {
    expect(sliceOrder(3)).toEqual(['baseline', 'canary', 'canary', 'baseline', 'baseline', 'canary']);
  });

  it('a slow canary against a healthy baseline fails, p < 0.02, both distributions shown', async () => {
    // Slices of 1.2 s: each of the 20 connections gets one 800 ms answer from the slow canary per
    // slice (autocannon drops what is still in flight when a slice ends).
    const res = await runCanaryComparison({
      profile: profile(20),
      baselineURL: baseline.url,
      canaryURL: slow.url,
      stage: 'canary',
      sliceMs: 1200,
      slices: 2,
    });
    const { latency } = res.judgement;
    expect(latency.result).toBe('fail');
    expect(latency.pValue!).toBeLessThan(0.02);
    expect(latency.canary.count).toBeGreaterThanOrEqual(20);
    expect(latency.canary.p50!).toBeGreaterThanOrEqual(800);
    expect(latency.baseline.p50!).toBeLessThan(200);
    expect(res.status).toBe('failed');
    const m = res.measurements.find((x) => x.name === 'canary-latency-vs-baseline')!;
    expect(m.passed).toBe(false);
    expect(m.actual as number).toBeGreaterThan(m.expected as number);
    expect(m.note).toMatch(
      /^fail: Mann-Whitney U one-sided p = .*; baseline p50 .* ms \(n=\d+\); canary p50 .* ms \(n=\d+\)$/,
    );
    const svg = res.evidence.find((e) => e.name.endsWith('.svg'))!.body!;
    expect(svg).toContain('data-series="baseline"');
    expect(svg).toContain('data-series="canary"');
    expect(res.evidence.find((e) => e.name.endsWith('.md'))!.body).toMatch(/\| simple-health \| canary \|/);
  });

  it('two healthy instances never fail (pass or marginal), three runs in a row', async () => {
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await runCanaryComparison({
        profile: profile(4),
        baselineURL: baseline.url,
        canaryURL: healthy.url,
        stage: 'canary',
        sliceMs: 300,
        slices: 3,
      });
      const { latency, errors } = res.judgement;
      seen.push(
        `${latency.result} p=${latency.pValue?.toExponential(2)} medians ${latency.baseline.p50?.toFixed(2)}/${latency.canary.p50?.toFixed(2)} ms`,
      );
      expect(latency.baseline.count).toBeGreaterThanOrEqual(100);
      expect(latency.canary.count).toBeGreaterThanOrEqual(100);
      expect(['pass', 'marginal']).toContain(latency.result);
      expect(errors.result).toBe('pass');
      expect(res.status).toBe('passed');
    }
    // Shown in the test output, for a person judging how close to the line the runs were.
    console.info(`healthy vs healthy:\n  ${seen.join('\n  ')}`);
  });
});
