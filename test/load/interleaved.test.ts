import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoServer } from '../../demo/server.ts';
import { runCanaryComparison } from '../../src/checks/load/canary-run.ts';
import { sliceOrder } from '../../src/checks/load/interleaved.ts';
import { parseLoadProfile } from '../../src/checks/load/profile.ts';
import { startTestDemo, tempDirs } from '../demo/helpers.ts';

// Two real demos: a baseline and a healthy canary. A slow canary against a healthy baseline (the
// comparison failing, p < 0.02, both distributions shown) is judged through the stage's load check,
// on the same comparison, in test/load/canary-stage.test.ts: 'a slow canary against a healthy
// baseline fails the comparison, p < 0.02, both distributions shown, and the p95 budget'.
const dirs = tempDirs();
let baseline: DemoServer;
let healthy: DemoServer;

beforeAll(async () => {
  [baseline, healthy] = await Promise.all([startTestDemo(dirs.make()), startTestDemo(dirs.make())]);
});
afterAll(async () => {
  await Promise.all([baseline?.close(), healthy?.close()]);
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
