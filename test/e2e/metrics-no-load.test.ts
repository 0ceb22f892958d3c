import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DemoServer } from '../../demo/server.ts';
import { loadRunbook } from '../../src/config/load-runbook.ts';
import { resolveGate } from '../../src/config/options.ts';
import { createMetricsRun } from '../../src/engine/metrics/metrics-run.ts';
import { prepareLoad, runLoadCheck } from '../../src/engine/steps/load-stage.ts';
import type { StepContext } from '../../src/engine/steps/step.ts';
import { startTestDemo, tempDirs } from '../demo/helpers.ts';
import { ROOT } from './helpers.ts';

const dirs = tempDirs();
let canary: DemoServer;
let baseline: DemoServer;

beforeAll(async () => {
  // The canary gate's two demos under DEMO_FAULTS=server-errors: every page answers 500, the login too.
  [canary, baseline] = await Promise.all([
    startTestDemo(dirs.make(), { faults: ['server-errors'], role: 'canary', version: '0.1.0' }),
    startTestDemo(dirs.make(), { faults: ['server-errors'], role: 'baseline', version: '0.1.0' }),
  ]);
});

afterAll(async () => {
  await Promise.all([canary?.close(), baseline?.close()]);
  dirs.cleanup();
});

/**
 * The metrics no-data family at check level (it used to be asserted by the canary gate under
 * DEMO_FAULTS=server-errors in test/e2e/gate-canary.test.ts, which now gates that fault on staging):
 * the demo canary stage's own load and metric checks, wired as the gate wires them.
 */
describe('metric checks of a load that never sent traffic', () => {
  test('a load whose login gets a 500 opens no window: every metric check of the demo canary is errored (no load window), never passed', async () => {
    const { runbook } = await loadRunbook('runbooks/demo.runbook.ts', ROOT);
    const gate = resolveGate(runbook, 'canary', { release: '0.1.0' }, {});
    const stage = gate.stage;
    expect(stage.metrics.filter((m) => m.window === 'load').length).toBeGreaterThanOrEqual(4);
    // Judging a window never reaches Prometheus: a provider at an address (nothing listens on port 9)
    // stands in for the embedded one the gate starts, so the window, not the provider, decides.
    const providers = {
      ...runbook.providers,
      prometheus: { ...runbook.providers.prometheus!, url: 'http://127.0.0.1:9' },
    };
    const env = { ...process.env, SMOKE_USER: 'demo', SMOKE_PASSWORD: 'demo-password' };
    const metrics = createMetricsRun({
      root: ROOT,
      env,
      gate,
      providers,
      targetURLs: { [gate.targetName]: canary.url, [gate.baseline!.targetName]: baseline.url },
      signal: new AbortController().signal,
    });
    let windowOpened = false;
    const profile = await prepareLoad(stage, 'canary', [canary.url, baseline.url], ROOT);
    const load = await runLoadCheck(stage, 'canary', profile, {
      baseURL: canary.url,
      baselineURL: baseline.url,
      env,
      runDir: dirs.make(),
      beforeTraffic: async () => {
        windowOpened = true;
        await metrics.beforeTraffic?.();
      },
      onSent: (c) => metrics.onSent(c),
    });
    // The load observed the target failing (its login answered 500) before its first request.
    expect(load.status, load.message).toBe('failed');
    expect(load.message).toMatch(/500/);
    expect(windowOpened).toBe(false);

    const ctx = {
      stopping: { signal: new AbortController().signal, reason: undefined },
    } as unknown as StepContext;
    const results = await metrics.step().run(ctx);
    expect(results.map((c) => c.id)).toEqual(stage.metrics.map((m) => `metrics/${m.name}`));
    for (const c of results)
      expect(c, c.id).toMatchObject({
        kind: 'metrics',
        status: 'errored',
        code: 'ROLLGATE_NO_DATA',
        message: expect.stringMatching(/no load window/),
      });
  });
});
