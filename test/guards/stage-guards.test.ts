import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoServer } from '../../demo/server.ts';
import { resolveGate } from '../../src/config/options.ts';
import { createStageGuards } from '../../src/engine/guards/stage-guards.ts';
import { createTeardown } from '../../src/engine/teardown.ts';
import { Runbook } from '../../src/model/runbook.ts';
import { makeCa } from '../builtin/tls-certs.ts';
import { startTestDemo, tempDirs } from '../demo/helpers.ts';
import { sampleValue, scrape } from '../demo/metrics-scrape.ts';

const TOKEN = 'stage-guards-admin-token-5d0e7f';
const dirs = tempDirs();
const ROOT = path.resolve(import.meta.dirname, '../..');
// biome-ignore lint/suspicious/noTemplateCurlyInString: a runbook template, read from the environment
const auth = { Authorization: 'Bearer ${ADMIN_TOKEN}' };

let demo: DemoServer;
beforeAll(async () => {
  demo = await startTestDemo(dirs.make(), { adminToken: TOKEN });
});
afterAll(async () => {
  await demo.close();
  dirs.cleanup();
});

/** Requests the demo answered on its health path (the availability probes), by its own metrics. */
const probesSeen = async () =>
  sampleValue(await scrape(demo.url), 'http_requests_total', { route: '/api/simple-health', status: '200' });

const maintenanceOf = async () =>
  ((await (await fetch(`${demo.url}/api/health`)).json()) as { maintenance: boolean }).maintenance;

function gateFor(target: Record<string, unknown> = {}) {
  const runbook = Runbook.parse({
    name: 'guards',
    targets: { app: { baseURL: demo.url, ...target } },
    stages: {
      canary: {
        target: 'app',
        maintenance: {
          enable: { path: '/admin/maintenance/enable', headers: auth },
          disable: { path: '/admin/maintenance/disable', headers: auth },
        },
        // The demo's health endpoints are exempt from maintenance: its 503s are not downtime here.
        availability: { path: '/api/simple-health', intervalMs: 20, minProbes: 3 },
      },
    },
  });
  return resolveGate(runbook, 'canary', { release: '1.0.0' }, {});
}

function setUp(
  env: NodeJS.ProcessEnv = { ADMIN_TOKEN: TOKEN },
  target?: Record<string, unknown>,
  root = ROOT,
) {
  const teardown = createTeardown();
  const stopping: { reason: string | undefined } = { reason: undefined };
  // What the run registered first is released last: the run's processes.
  const seenAtStop: boolean[] = [];
  teardown.defer("stop the run's processes", async () => {
    seenAtStop.push(await maintenanceOf());
  });
  const guards = createStageGuards(gateFor(target), {
    env,
    root,
    now: () => new Date(),
    stopping,
    defer: teardown.defer,
  });
  return { teardown, stopping, guards, seenAtStop };
}

async function until(what: string, ok: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a stage with maintenance mode and an availability loop', () => {
  it('passes all three in order; the availability loop counts no maintenance 503 on an exempt path', async () => {
    const { teardown, guards } = setUp();
    expect(guards.secrets).toContain(TOKEN);
    const before = await probesSeen();
    guards.targetUp(demo.url);
    const [on] = await guards.maintenanceOn();
    expect(on).toMatchObject({ id: 'maintenance/on', status: 'passed', kind: 'harness', blocking: true });
    expect(await maintenanceOf()).toBe(true);
    // The suites would run here: anonymous pages answer 503, the health path does not.
    const probe = await fetch(`${demo.url}/`, { redirect: 'manual' });
    expect(probe.status).toBe(503);
    const [off] = await guards.maintenanceOff();
    expect(off).toMatchObject({ id: 'maintenance/off', status: 'passed' });
    // More than minProbes answered (one may still be on its way back when the loop stops).
    await until('4 probes', async () => (await probesSeen()) >= before + 4);
    const [zero] = await guards.availability();
    expect(zero).toMatchObject({ id: 'availability/zero-downtime', status: 'passed' });
    expect(zero!.title).toBe(
      'zero downtime: /api/simple-health answered 200 every 20 ms while the stage ran (0 failures allowed)',
    );
    expect(await teardown.runAll()).toEqual([]);
  });

  it('a HOLD or an error: the teardown switches maintenance off before the run stops its processes', async () => {
    const { teardown, guards, seenAtStop } = setUp();
    guards.targetUp(demo.url);
    expect((await guards.maintenanceOn())[0]!.status).toBe('passed');
    // Nothing else runs: the run throws, say, and releases what it set up.
    expect(await teardown.runAll()).toEqual([]);
    expect(seenAtStop).toEqual([false]);
    expect(await maintenanceOf()).toBe(false);
  });

  it('SIGINT: beforeStop switches maintenance off and ends the window; off and availability are errored as interrupted', async () => {
    const { teardown, guards, stopping, seenAtStop } = setUp();
    guards.targetUp(demo.url);
    expect((await guards.maintenanceOn())[0]!.status).toBe('passed');
    stopping.reason = 'SIGINT received';
    await guards.beforeStop();
    expect(await maintenanceOf()).toBe(false);
    const [off] = await guards.maintenanceOff();
    expect(off).toMatchObject({ status: 'errored', code: 'ROLLGATE_INTERRUPTED' });
    expect(off!.message).toBe('not proven off: SIGINT received; disable was sent and answered 200');
    const [zero] = await guards.availability();
    expect(zero).toMatchObject({ status: 'errored', code: 'ROLLGATE_INTERRUPTED' });
    expect(await teardown.runAll()).toEqual([]);
    expect(seenAtStop).toEqual([false]);
  });

  it("an embedded target's environment (a generated token) feeds the maintenance headers, and is a secret", async () => {
    const { teardown, guards } = setUp({});
    expect(guards.secrets).not.toContain(TOKEN);
    guards.targetUp(demo.url, undefined, { ADMIN_TOKEN: TOKEN });
    expect(guards.secrets).toContain(TOKEN);
    expect((await guards.maintenanceOn())[0]).toMatchObject({ status: 'passed' });
    expect((await guards.maintenanceOff())[0]).toMatchObject({ status: 'passed' });
    expect(await teardown.runAll()).toEqual([]);
  });

  it('a target that never started: every guard errored, not run, and nothing sent', async () => {
    const { teardown, guards } = setUp();
    guards.targetUp('', 'embedded target failed to start: exited with code 1');
    const checks = [
      ...(await guards.maintenanceOn()),
      ...(await guards.maintenanceOff()),
      ...(await guards.availability()),
    ];
    expect(checks.map((c) => [c.id, c.status, c.message])).toEqual(
      ['maintenance/on', 'maintenance/off', 'availability/zero-downtime'].map((id) => [
        id,
        'errored',
        'not run: embedded target failed to start: exited with code 1',
      ]),
    );
    expect(await teardown.runAll()).toEqual([]);
  });

  it('a target header whose variable is not set: every guard errored naming it, and the token is not sent', async () => {
    const { teardown, guards } = setUp(
      { ADMIN_TOKEN: TOKEN },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a runbook template, read from the environment
      { http: { headers: { 'X-Gateway': '${GATEWAY_KEY}' } } },
    );
    guards.targetUp(demo.url);
    const checks = [
      ...(await guards.maintenanceOn()),
      ...(await guards.maintenanceOff()),
      ...(await guards.availability()),
    ];
    for (const c of checks) {
      expect(c.status).toBe('errored');
      expect(c.code).toBe('ROLLGATE_MISSING_ENV');
      expect(c.message).toContain('GATEWAY_KEY');
    }
    expect(await maintenanceOf()).toBe(false);
    expect(await teardown.runAll()).toEqual([]);
  });

  it('reads a relative http.caFile from the project root, not the current directory', async () => {
    const root = dirs.make();
    const ca = makeCa(root);
    const caFile = path.relative(root, ca.certFile);
    const fromRoot = setUp({ ADMIN_TOKEN: TOKEN }, { http: { caFile } }, root);
    fromRoot.guards.targetUp(demo.url);
    expect((await fromRoot.guards.maintenanceOn()).map((c) => [c.status, c.message])).toEqual([
      ['passed', expect.any(String)],
    ]);
    expect((await fromRoot.guards.maintenanceOff())[0]!.status).toBe('passed');
    await fromRoot.guards.availability();
    expect(await fromRoot.teardown.runAll()).toEqual([]);
    // The same relative name under another root is not there: errored, naming the file.
    const elsewhere = setUp({ ADMIN_TOKEN: TOKEN }, { http: { caFile } }, dirs.make());
    elsewhere.guards.targetUp(demo.url);
    expect(await elsewhere.guards.maintenanceOn()).toMatchObject([
      { status: 'errored', code: 'ROLLGATE_CA_BUNDLE', message: expect.stringContaining(caFile) },
    ]);
    expect(await elsewhere.teardown.runAll()).toEqual([]);
  });
});
