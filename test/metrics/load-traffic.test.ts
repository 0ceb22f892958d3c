import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoServer } from '../../demo/server.ts';
import { parseLoadProfile } from '../../src/checks/load/profile.ts';
import { runLoadCheck } from '../../src/engine/steps/load-stage.ts';
import { Runbook } from '../../src/model/runbook.ts';
import { startTestDemo, tempDirs } from '../demo/helpers.ts';

const dirs = tempDirs();
let demo: DemoServer;
const runDir = mkdtempSync(path.join(tmpdir(), 'rollgate-load-traffic-'));
beforeAll(async () => {
  demo = await startTestDemo(dirs.make());
});
afterAll(async () => {
  await demo?.close();
  dirs.cleanup();
  rmSync(runDir, { recursive: true, force: true });
});

const profile = parseLoadProfile({
  name: 'traffic',
  endpoints: [{ name: 'health', path: '/api/simple-health' }],
  connections: 2,
  duration: '500ms',
  stages: ['canary'],
});

/** A canary stage with a load step and no load budgets, with or without metric checks. */
function stage(metrics: boolean) {
  return Runbook.parse({
    name: 't',
    targets: { canary: { baseURL: 'http://127.0.0.1:1' } },
    providers: { prom: { type: 'prometheus' } },
    stages: {
      canary: {
        target: 'canary',
        load: { profile: 'load/x.profile.ts', engine: 'autocannon' },
        ...(metrics
          ? { metrics: [{ name: 'up', query: 'up', operator: '==', value: 1 }] }
          : { suites: ['x'] }),
      },
    },
  }).stages.canary!;
}

const run = (metrics: boolean, url = demo.url) =>
  runLoadCheck(stage(metrics), 'canary', profile, { baseURL: url, env: {}, runDir });

describe('a load step with no budgets of its own', () => {
  it('is the traffic of the stage’s metric checks: passed when the target answered, saying so', async () => {
    const c = await run(true);
    expect(c).toMatchObject({ status: 'passed', measurements: [] });
    expect(c.message).toMatch(
      /^traffic for the stage's metric checks \(no load budgets of its own\): autocannon: \d+ requests/,
    );
  });

  it('judges nothing without metric checks: errored, saying what to declare', async () => {
    const c = await run(false);
    expect(c).toMatchObject({ status: 'errored', code: 'ROLLGATE_NO_DATA' });
    expect(c.message).toMatch(/declares no load budgets .* and no metric checks: nothing judges this load/);
  });
});
