import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoServer } from '../../demo/server.ts';
import {
  type AvailabilityLoop,
  judgeAvailability,
  longestOutageMs,
  type ProbeRecord,
  startAvailabilityLoop,
} from '../../src/engine/guards/availability.ts';
import { AvailabilitySpec } from '../../src/model/stage-guards.ts';
import { startTestDemo, tempDirs } from '../demo/helpers.ts';

const dirs = tempDirs();
const transport = { headers: {}, secrets: [] };
const now = () => new Date();

/** Polls `ok` every 20 ms until true, or fails after `ms`. */
async function until(what: string, ok: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const judge = (
  spec: AvailabilitySpec,
  loop: Pick<AvailabilityLoop, 'url' | 'records' | 'elapsedMs'>,
  interrupted?: string,
) =>
  judgeAvailability(spec, loop, {
    stageName: 'canary',
    interrupted,
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: now().toISOString(),
  });

const timeline = (j: ReturnType<typeof judge>) =>
  JSON.parse(j.evidence[0]!.body!) as {
    probes: number;
    failed: number;
    longestOutageMs: number;
    failures: { at: string; error?: string; status?: number }[];
  };

let healthy: DemoServer;
beforeAll(async () => {
  healthy = await startTestDemo(dirs.make());
});
afterAll(async () => {
  await healthy.close();
  dirs.cleanup();
});

describe('availability loop against a real demo', () => {
  it('healthy: every probe answers, 0 failures, passed with both measurements', async () => {
    const spec = AvailabilitySpec.parse({ path: '/api/simple-health', intervalMs: 20, minProbes: 10 });
    const loop = startAvailabilityLoop(spec, { url: `${healthy.url}/api/simple-health`, transport, now });
    await until('10 probes', () => loop.records().length >= 10);
    await loop.stop();
    const j = judge(spec, loop);
    expect(j.status, j.message).toBe('passed');
    expect(j.message).toMatch(
      /^\d+ probes of \/api\/simple-health over [\d.]+ s, 0 failed \(at most 0 allowed\)$/,
    );
    const [failed, ratio] = j.measurements;
    expect(failed).toMatchObject({
      name: 'failed-probes',
      actual: 0,
      operator: '<=',
      expected: 0,
      outcome: 'pass',
    });
    expect(ratio).toMatchObject({ name: 'availability', actual: 1, outcome: 'pass', unit: 'ratio' });
    expect(timeline(j)).toMatchObject({ failed: 0, longestOutageMs: 0, failures: [] });
  });

  it('another status than the expected one is a failed probe', async () => {
    const spec = AvailabilitySpec.parse({ path: '/no-such-page', intervalMs: 20, minProbes: 3 });
    const loop = startAvailabilityLoop(spec, { url: `${healthy.url}/no-such-page`, transport, now });
    await until('3 probes', () => loop.records().length >= 3);
    await loop.stop();
    const j = judge(spec, loop);
    expect(j.status).toBe('failed');
    expect(j.message).toMatch(
      /^\d+ of \d+ probes failed \(first at \S+Z: answered 404, not 200; longest outage \d+ ms\)/,
    );
  });

  it('too short: fewer probes than minProbes is errored, saying how to lower intervalMs', async () => {
    const spec = AvailabilitySpec.parse({ path: '/api/simple-health', intervalMs: 250, minProbes: 10 });
    const loop = startAvailabilityLoop(spec, { url: `${healthy.url}/api/simple-health`, transport, now });
    await until('the first probe', () => loop.records().length >= 1);
    await loop.stop();
    const j = judge(spec, loop);
    expect(j.status).toBe('errored');
    expect(j.code).toBe('ROLLGATE_NO_DATA');
    expect(j.message).toMatch(
      /^only \d probes? of \/api\/simple-health in \d+ ms, fewer than minProbes 10: the stage ran too short to judge its availability; lower stages\.canary\.availability\.intervalMs \(now 250\) to \d+/,
    );
    expect(j.measurements[0]).toMatchObject({ name: 'failed-probes', outcome: 'inconclusive' });
  });

  it('an interrupted run is not judged unless the failures already exceed the limit', async () => {
    const spec = AvailabilitySpec.parse({ path: '/api/simple-health', intervalMs: 20, minProbes: 2 });
    const loop = startAvailabilityLoop(spec, { url: `${healthy.url}/api/simple-health`, transport, now });
    await until('2 probes', () => loop.records().length >= 2);
    await loop.stop();
    const j = judge(spec, loop, 'SIGINT received');
    expect(j.status).toBe('errored');
    expect(j.code).toBe('ROLLGATE_INTERRUPTED');
    expect(j.message).toMatch(/^not judged: SIGINT received after \d+ probes/);
  });

  it('fault restart: the outage is counted, ECONNREFUSED or ECONNRESET, with its length', async () => {
    const demo = await startTestDemo(dirs.make(), { faults: ['restart'], restartAfterMs: 300 });
    try {
      const spec = AvailabilitySpec.parse({ path: '/api/simple-health', intervalMs: 50, timeoutMs: 1000 });
      const loop = startAvailabilityLoop(spec, { url: `${demo.url}/api/simple-health`, transport, now });
      // Down, then up again: a good probe after a failed one.
      await until('the restart to end', () => {
        const r = loop.records();
        const firstBad = r.findIndex((p) => !p.ok);
        return firstBad >= 0 && r.slice(firstBad).some((p) => p.ok);
      });
      await loop.stop();
      const j = judge(spec, loop);
      const t = timeline(j);
      expect(j.status).toBe('failed');
      expect(t.failed).toBeGreaterThan(0);
      expect(t.longestOutageMs).toBeGreaterThan(0);
      for (const f of t.failures) expect(f.error).toMatch(/^(ECONNREFUSED|ECONNRESET) \(/);
      expect(j.message).toMatch(
        new RegExp(
          `^${t.failed} of ${t.probes} probes failed \\(first at ${t.failures[0]!.at.replace(/\./g, '\\.')}: (ECONNREFUSED|ECONNRESET) \\([^)]+\\); longest outage ${t.longestOutageMs} ms\\)`,
        ),
      );
      expect(j.measurements[0]).toMatchObject({ name: 'failed-probes', actual: t.failed, outcome: 'fail' });
      expect(j.measurements[1]).toMatchObject({ name: 'availability', outcome: 'fail' });
      expect((j.measurements[1]!.actual as number) < 1).toBe(true);
    } finally {
      await demo.close();
    }
  });
});

describe('the probe in flight when the loop stops', () => {
  /** A server answering 200 at once, or holding each request (held) while `hold` is set. */
  async function holdingServer() {
    const held: ServerResponse[] = [];
    const state = { hold: false };
    const server = createServer((_req, res) => {
      if (state.hold) held.push(res);
      else res.writeHead(200).end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
    const close = () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    return { url, held, state, close };
  }

  it('is awaited and counted: an outage in the last moments fails the check', async () => {
    const app = await holdingServer();
    try {
      const spec = AvailabilitySpec.parse({ intervalMs: 20, minProbes: 3, timeoutMs: 10_000 });
      const loop = startAvailabilityLoop(spec, { url: app.url, transport, now });
      await until('3 good probes', () => loop.records().length >= 3);
      app.state.hold = true;
      await until('a probe in flight', () => app.held.length === 1);
      const stopped = loop.stop();
      // The target answers the probe in flight only after the stop: a 500, the outage's start.
      app.held[0]!.writeHead(500).end('down');
      await stopped;
      const records = loop.records();
      expect(records.at(-1)).toMatchObject({ ok: false, status: 500 });
      expect(records.slice(0, -1).every((r) => r.ok)).toBe(true);
      expect(app.held).toHaveLength(1);
      const j = judge(spec, loop);
      expect(j.status).toBe('failed');
      expect(j.message).toMatch(/^1 of \d+ probes failed \(first at \S+Z: answered 500, not 200;/);
    } finally {
      await app.close();
    }
  });

  it('never answered: the stop waits no longer than its timeoutMs, and counts it as a time-out', async () => {
    const app = await holdingServer();
    try {
      const spec = AvailabilitySpec.parse({ intervalMs: 20, minProbes: 1, timeoutMs: 300 });
      app.state.hold = true;
      const loop = startAvailabilityLoop(spec, { url: app.url, transport, now });
      await until('a probe in flight', () => app.held.length === 1);
      await loop.stop();
      expect(loop.records()).toMatchObject([{ ok: false, error: 'TIMEOUT (no answer within 300 ms)' }]);
      expect(judge(spec, loop).status).toBe('failed');
    } finally {
      await app.close();
    }
  });
});

describe('the advice for a stage too short', () => {
  const spec = (intervalMs: number) => AvailabilitySpec.parse({ intervalMs, minProbes: 10 });
  const good = (n: number): ProbeRecord[] =>
    Array.from({ length: n }, (_, i) => ({
      at: new Date(i).toISOString(),
      mono: i,
      durationMs: 1,
      ok: true,
    }));
  const advice = (intervalMs: number, probes: number, elapsedMs: number) =>
    judge(spec(intervalMs), {
      url: 'http://127.0.0.1:9/health',
      records: () => good(probes),
      elapsedMs: () => elapsedMs,
    }).message!.split('; ')[1];

  it('names the interval that would have given minProbes probes', () => {
    expect(advice(250, 4, 1200)).toBe('lower stages.canary.availability.intervalMs (now 250) to 120 or less');
  });
  it('below the shortest interval, lowers minProbes too', () => {
    expect(advice(250, 1, 90)).toBe(
      'lower stages.canary.availability.intervalMs (now 250) to 20 and stages.canary.availability.minProbes (now 10) to 4 or less',
    );
    expect(advice(20, 4, 90)).toBe('lower stages.canary.availability.minProbes (now 10) to 4 or less');
  });
});

describe('longest outage', () => {
  const rec = (mono: number, ok: boolean, durationMs = 5): ProbeRecord => ({
    at: new Date(mono).toISOString(),
    mono,
    durationMs,
    ok,
  });
  it('runs from the first failed probe to the next good one, or to the end of the last failed one', () => {
    expect(longestOutageMs([])).toBe(0);
    expect(longestOutageMs([rec(0, true), rec(100, true)])).toBe(0);
    expect(longestOutageMs([rec(0, true), rec(100, false), rec(200, false), rec(300, true)])).toBe(200);
    expect(longestOutageMs([rec(0, false), rec(100, true), rec(200, false), rec(300, false, 40)])).toBe(140);
  });
});
