import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAutocannon } from '../../src/checks/load/autocannon-run.ts';
import { describeFailures, failureCounts } from '../../src/checks/load/failures.ts';
import { parseLoadProfile } from '../../src/checks/load/profile.ts';
import { runLoadCheck } from '../../src/engine/steps/load-stage.ts';
import { Runbook, type Stage } from '../../src/model/runbook.ts';
import { closeServer, listen, serverURL, tempDirs } from './helpers.ts';

// Real servers on 127.0.0.1: one that answers 500 to everything, one counting what it gets, one
// that never answers, and a port nobody listens on. Loads of 300-500 ms keep this file near 2 s.
const dirs = tempDirs();
let failing: Server;
let counting: Server;
let silent: Server;
let closedURL: string;
let counted = 0;

beforeAll(async () => {
  failing = await listen((_req, res) => {
    res.statusCode = 500;
    res.end('broken');
  });
  counting = await listen((_req, res) => {
    counted++;
    res.end('ok');
  });
  silent = await listen(() => {});
  const gone = await listen(() => {});
  closedURL = serverURL(gone);
  await closeServer(gone);
});
afterAll(async () => {
  await Promise.all([failing, counting, silent].map((s) => s && closeServer(s)));
  dirs.cleanup();
});

const profile = parseLoadProfile({
  name: 'health',
  endpoints: [{ path: '/api/simple-health' }],
  connections: 2,
  duration: '500ms',
  requestTimeout: '300ms',
  stages: ['canary'],
});

/** A stage as a runbook declares it, parsed by the real schema; with a baseline it compares. */
function stage(baseline = false): Stage {
  const rb = Runbook.parse({
    name: 't',
    targets: { canary: { baseURL: 'http://127.0.0.1:1' }, baseline: { baseURL: 'http://127.0.0.1:2' } },
    stages: {
      canary: {
        target: 'canary',
        ...(baseline ? { baseline: 'baseline' } : {}),
        suites: ['runbooks/probes.suite.ts'],
        load: {
          profile: 'load/canary.profile.ts',
          engine: 'autocannon',
          compare: { slices: 1, sliceMs: 300 },
        },
        budgets: [
          { name: 'p95-latency', operator: '<=', value: 500, unit: 'ms' },
          { name: 'error-rate', operator: '<', value: 0.01 },
        ],
      },
    },
  });
  return rb.stages.canary!;
}

const check = (baseURL: string, o: { baseline?: string } = {}) =>
  runLoadCheck(stage(o.baseline !== undefined), 'canary', profile, {
    baseURL,
    baselineURL: o.baseline,
    env: {},
    runDir: dirs.make(),
  });

describe('load reasons that tell the truth', () => {
  it('issue 9 item 11: a load where every request failed says "every request failed", with a breakdown by status', async () => {
    const c = await check(serverURL(failing));
    expect(c.status).toBe('errored');
    const [first, second] = c.message!.split('\n');
    const m = /^every request failed \((\d+) of (\d+)\): 500 ×(\d+)$/.exec(first!);
    expect(m, c.message).not.toBeNull();
    expect(new Set(m!.slice(1)).size).toBe(1); // the same count three times
    expect(Number(m![1])).toBeGreaterThan(20);
    expect(second).toMatch(
      new RegExp(
        `^autocannon: ${m![1]} requests \\(warm-up included: \\d+ sent, \\d+ answered\\); over budget: p95-latency, error-rate$`,
      ),
    );
    // Sent counts every request (warm-up, and those in flight when the run stopped): at least the
    // answered ones, which are at least the judged ones.
    const [, sent, answered] = /(\d+) sent, (\d+) answered/.exec(second!)!.map(Number);
    expect(sent).toBeGreaterThanOrEqual(answered!);
    expect(answered).toBeGreaterThanOrEqual(Number(m![1]));
    for (const measurement of c.measurements) {
      expect(measurement).toMatchObject({
        passed: false,
        note: `no data: every request failed: 500 ×${m![1]}`,
      });
    }
  });

  it('breaks failures down by error kind when no response came: ECONNREFUSED from the real engine', async () => {
    const run = await runAutocannon({ baseURL: closedURL, profile, durationMs: 300 });
    expect(run.samples.length).toBeGreaterThan(0);
    expect(describeFailures(failureCounts(run.samples))).toBe(`ECONNREFUSED ×${run.samples.length}`);
    const mixed = failureCounts([
      { endpoint: 'a', latencyMs: 3, status: 500, failed: true },
      { endpoint: 'a', latencyMs: null, status: 0, failed: true, error: 'timeout' },
      { endpoint: 'a', latencyMs: 3, status: 500, failed: true },
      { endpoint: 'a', latencyMs: 3, status: 200, failed: false },
    ]);
    expect(describeFailures(mixed)).toBe('500 ×2, timeout ×1');
  });

  it('an unreachable target gets no load at all: errored, "unreachable", naming the URL and the error', async () => {
    const refused = await check(closedURL);
    expect(refused).toMatchObject({ status: 'errored', measurements: [], evidence: [] });
    expect(refused.message).toMatch(
      new RegExp(
        `^unreachable: ${closedURL}: ECONNREFUSED \\(connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+\\); no load was sent$`,
      ),
    );
    const hanging = await check(`${serverURL(silent)}/app`);
    expect(hanging.message).toBe(
      `unreachable: ${serverURL(silent)}/app: timeout (no answer within 300 ms); no load was sent`,
    );
  });

  it('with a baseline, both sides are probed first: an unreachable baseline leaves the canary untouched', async () => {
    counted = 0;
    const c = await check(serverURL(counting), { baseline: closedURL });
    expect(c.status).toBe('errored');
    expect(c.message).toMatch(new RegExp(`^unreachable: baseline ${closedURL}: ECONNREFUSED `));
    expect(counted).toBe(0);
  });
});
