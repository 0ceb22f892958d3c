import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoServer } from '../../demo/server.ts';
import { createMaintenance } from '../../src/engine/guards/maintenance.ts';
import { MaintenanceSpec } from '../../src/model/stage-guards.ts';
import { startTestDemo, tempDirs } from '../demo/helpers.ts';
import { sampleValue, scrape } from '../demo/metrics-scrape.ts';

const TOKEN = 'guards-admin-token-93b1f0c4';
const dirs = tempDirs();
const transport = { headers: {}, secrets: [] };
const spec = MaintenanceSpec.parse({
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a runbook template, read from the environment
  enable: { path: '/admin/maintenance/enable', headers: { Authorization: 'Bearer ${ADMIN_TOKEN}' } },
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a runbook template, read from the environment
  disable: { path: '/admin/maintenance/disable', headers: { Authorization: 'Bearer ${ADMIN_TOKEN}' } },
});

const maintenanceOf = async (url: string) =>
  ((await (await fetch(`${url}/api/health`)).json()) as { maintenance: boolean }).maintenance;

let demo: DemoServer;
let stuck: DemoServer;
beforeAll(async () => {
  [demo, stuck] = await Promise.all([
    startTestDemo(dirs.make(), { adminToken: TOKEN }),
    startTestDemo(dirs.make(), { adminToken: TOKEN, faults: ['maintenance-stuck'] }),
  ]);
});
afterAll(async () => {
  await Promise.all([demo.close(), stuck.close()]);
  dirs.cleanup();
});

const make = (url: string, env: NodeJS.ProcessEnv) =>
  createMaintenance(spec, { baseURL: url, transport, env, stageName: 'canary', probeDeadlineMs: 1000 });

describe('maintenance mode against a real demo', () => {
  it('on and off both pass, proven by the anonymous probe; the token is a secret', async () => {
    const m = make(demo.url, { ADMIN_TOKEN: TOKEN });
    expect(m.secrets).toEqual([TOKEN, TOKEN]);
    const on = await m.on();
    expect(on.status, on.message).toBe('passed');
    expect(on.message).toMatch(
      /^POST \/admin\/maintenance\/enable answered 200; GET \/ answered 503 after \d+ ms$/,
    );
    expect(on.measurements[0]).toMatchObject({
      name: 'probe-status',
      actual: 503,
      operator: '==',
      expected: 503,
    });
    expect(await maintenanceOf(demo.url)).toBe(true);
    const off = await m.off();
    expect(off.status, off.message).toBe('passed');
    expect(off.message).toMatch(
      /^POST \/admin\/maintenance\/disable answered 200; GET \/ answered 303 after \d+ ms$/,
    );
    expect(await maintenanceOf(demo.url)).toBe(false);
    // Sent once, whoever asks: the teardown's switchOff() after off() sends nothing more.
    expect(await m.switchOff()).toMatchObject({ sent: true, answer: { status: 200 } });
  });

  it('maintenance-stuck: disable answers 200 but the probe still answers 503: off failed', async () => {
    const m = make(stuck.url, { ADMIN_TOKEN: TOKEN });
    expect((await m.on()).status).toBe('passed');
    const off = await m.off();
    expect(off.status).toBe('failed');
    expect(off.message).toMatch(
      /^POST \/admin\/maintenance\/disable answered 200, but GET \/ still answered 503 after \d+ ms \(off means under 500 and not 503\): maintenance mode is still on$/,
    );
    expect(off.measurements[0]).toMatchObject({
      actual: 503,
      operator: '!=',
      expected: 503,
      outcome: 'fail',
    });
  });

  it('a wrong token: on errored with what the target answered, disable still tried; no token in any message', async () => {
    const wrong = 'wrong-admin-token-77aa21';
    const m = make(demo.url, { ADMIN_TOKEN: wrong });
    const on = await m.on();
    expect(on.status).toBe('errored');
    expect(on.code).toBe('ROLLGATE_OBSERVATION_FAILED');
    expect(on.message).toBe(
      'POST /admin/maintenance/enable answered 401: "{"error":"unauthorized"}", not 2xx: maintenance mode could not be switched on',
    );
    expect(m.owed).toBe(true);
    const off = await m.off();
    expect(off.status).toBe('errored');
    expect(off.message).toMatch(/^POST \/admin\/maintenance\/disable answered 401/);
    expect(JSON.stringify([on, off])).not.toContain(wrong);
    expect(await maintenanceOf(demo.url)).toBe(false);
  });

  it('a header variable that is not set: on errored naming the field and the variable; nothing sent', async () => {
    const m = make(demo.url, {});
    const on = await m.on();
    expect(on.status).toBe('errored');
    expect(on.code).toBe('ROLLGATE_MISSING_ENV');
    expect(on.message).toBe(
      'enable not sent: stages.canary.maintenance.enable.headers.Authorization needs the environment variable ADMIN_TOKEN, which is not set: set ADMIN_TOKEN for the gate',
    );
    expect(m.owed).toBe(false);
    expect(await m.switchOff()).toEqual({ sent: false });
    expect(await maintenanceOf(demo.url)).toBe(false);
  });

  it('disable unanswered (the target restarting): off errored; the teardown sends it once more', async () => {
    const first = await startTestDemo(dirs.make(), { adminToken: TOKEN });
    const m = make(first.url, { ADMIN_TOKEN: TOKEN });
    expect((await m.on()).status).toBe('passed');
    await first.close();
    const off = await m.off();
    expect(off).toMatchObject({ status: 'errored', code: 'ROLLGATE_TARGET_UNREACHABLE' });
    expect(off.message).toBe(
      'POST /admin/maintenance/disable got no answer: ECONNREFUSED (connection refused)',
    );
    // Back on the same port: the teardown's second try reaches it, once however often it is asked.
    const second = await startTestDemo(dirs.make(), { adminToken: TOKEN, port: first.port });
    try {
      expect(await m.switchOffAgain()).toMatchObject({ sent: true, answer: { status: 200 } });
      expect(await m.switchOffAgain()).toMatchObject({ sent: true, answer: { status: 200 } });
      const disabled = sampleValue(await scrape(second.url), 'http_requests_total', {
        route: '/admin/maintenance/disable',
        status: '200',
      });
      expect(disabled).toBe(1);
    } finally {
      await second.close();
    }
  });

  it('a target that refuses the connection: on errored as unreachable', async () => {
    const gone = await startTestDemo(dirs.make(), { adminToken: TOKEN });
    await gone.close();
    const m = make(gone.url, { ADMIN_TOKEN: TOKEN });
    const on = await m.on();
    expect(on.status).toBe('errored');
    expect(on.code).toBe('ROLLGATE_TARGET_UNREACHABLE');
    expect(on.message).toBe(
      'POST /admin/maintenance/enable got no answer: ECONNREFUSED (connection refused)',
    );
  });
});
