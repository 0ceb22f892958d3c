import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { findPrometheus } from '../../src/checks/metrics/prometheus/binaries.ts';
import { RollgateError } from '../../src/config/errors.ts';
import { type RecordedOutcome, testRecordedSeries } from '../../src/engine/metrics/recorded.ts';
import { Runbook } from '../../src/model/runbook.ts';
import { processesUsing } from './processes.ts';

// Recorded series written here and judged by the real promtool and Prometheus: a 20-minute
// recording, one of 59 minutes (60 samples a minute apart: an hour of scrapes), and what a gate
// would need a load step for. Temp folders go to a TMPDIR of this file's own, to be counted.
const REPO = path.resolve(import.meta.dirname, '../..');
const root = mkdtempSync(path.join(os.tmpdir(), 'rollgate-recorded-test-'));
const tmp = path.join(root, 'tmp');
const START = Date.UTC(2024, 2, 1) / 1000;
const rss = 'app_memory_bytes{rollgate_target="{target}"}';
const requests = 'sum(increase(http_requests_total{rollgate_target="{target}"}[{window}]))';
const errors = 'sum(increase(http_requests_total{rollgate_target="{target}",status="500"}[{window}]))';

/** `minutes` + 1 samples a minute apart: memory near 1000, 100 requests a minute, no errors. */
function series(name: string, samples: number): string {
  const lines = ['# TYPE app_memory_bytes gauge'];
  for (let i = 0; i < samples; i++)
    lines.push(`app_memory_bytes{rollgate_target="canary"} ${1000 + i} ${START + 60 * i}`);
  lines.push('# TYPE http_requests counter');
  for (const [status, perMinute] of [
    ['200', 100],
    ['500', 0],
  ] as const)
    for (let i = 0; i < samples; i++)
      lines.push(
        `http_requests_total{rollgate_target="canary",status="${status}"} ${perMinute * i} ${START + 60 * i}`,
      );
  writeFileSync(path.join(root, name), `${lines.join('\n')}\n# EOF\n`);
  return name;
}

const memoryMax = (name: string, window: string) => ({
  name,
  query: `max_over_time(${rss}[{window}])`,
  operator: '<' as const,
  value: 5000,
  window,
});

function runbook(metricTests: unknown[], extra: Record<string, unknown> = {}) {
  return Runbook.parse({
    name: 'recorded',
    targets: { canary: { baseURL: 'http://127.0.0.1:9' } },
    providers: { prom: { type: 'prometheus' }, ...extra },
    stages: {
      soak: {
        target: 'canary',
        load: { profile: 'load/none.profile.ts' },
        metrics: [
          { ...memoryMax('memory-hour', '1h'), provider: 'prom' },
          { ...memoryMax('memory-10m', '10m'), provider: 'prom' },
          {
            name: 'error-ratio',
            provider: 'prom',
            query: `${errors} / ${requests}`,
            operator: '<',
            value: 0.005,
            minTraffic: { query: requests, count: 'load' },
          },
          {
            name: 'requests',
            provider: 'prom',
            query: requests,
            operator: '>',
            value: 50,
            minTraffic: { query: requests, count: 'load' },
          },
          ...(extra.stats
            ? [{ name: 'stats-errors', provider: 'stats', query: 'errors.rate', operator: '<', value: 1 }]
            : []),
        ],
        metricTests,
      },
    },
  });
}

const run = (rb: Runbook, more: Partial<Parameters<typeof testRecordedSeries>[0]> = {}) =>
  testRecordedSeries({ root, env: process.env, runbook: rb, ...more });

let short: string;
let hour: string;
beforeAll(() => {
  mkdirSync(tmp);
  vi.stubEnv('TMPDIR', tmp);
  // The checkout's binaries, though the project root of these tests is a temp folder.
  const bins = findPrometheus({ root: REPO, env: process.env });
  vi.stubEnv('ROLLGATE_PROMETHEUS', bins.prometheus);
  vi.stubEnv('ROLLGATE_PROMTOOL', bins.promtool);
  short = series('short-20m.om', 21);
  hour = series('hour.om', 60);
});
afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(root, { recursive: true, force: true });
});

const byCheck = (outcomes: RecordedOutcome[]) => Object.fromEntries(outcomes.map((o) => [o.check, o]));

describe('rollgate metrics test on recorded series', () => {
  it('a window longer than the recording is no data saying how much it covers; one that fits is judged', async () => {
    const out = byCheck(
      await run(runbook([{ series: short, expect: { 'memory-hour': 'no-data', 'memory-10m': 'pass' } }])),
    );
    expect(out['memory-hour']).toMatchObject({ got: 'no-data', ok: true });
    expect(out['memory-hour']!.message).toMatch(
      /^no data: the recording covers 20m of the 1h window \(its first sample is 40m after the window's start\)/,
    );
    expect(out['memory-hour']!.result.code).toBe('ROLLGATE_NO_DATA');
    expect(out['memory-10m']).toMatchObject({ got: 'pass', ok: true });
    expect(out['memory-10m']!.message).toMatch(/^memory-10m: 1020\b/);
  });

  it('an hour of samples a minute apart fills a 1h window (the missing edge is within one step)', async () => {
    const [o] = await run(runbook([{ series: hour, expect: { 'memory-hour': 'pass' } }]));
    expect(o).toMatchObject({ check: 'memory-hour', got: 'pass', ok: true });
    expect(o!.message).toMatch(/^memory-hour: 1059\b/);
  });

  it("minTraffic.count 'load' is judged with the rule of three (or one request), and the outcome says so", async () => {
    const out = byCheck(
      await run(runbook([{ series: short, expect: { 'error-ratio': 'pass', requests: 'pass' } }])),
    );
    expect(out['error-ratio']).toMatchObject({
      got: 'pass',
      note: "minTraffic.count 'load' has no load step on a recording: judged with the rule of three, 600 requests",
    });
    expect(out.requests).toMatchObject({
      got: 'pass',
      note: "minTraffic.count 'load' has no load step on a recording: judged with at least 1 request",
    });
    expect(out['memory-10m']).toBeUndefined();
  });

  it('a json check named in expect is refused before anything starts, naming the check and the stage', async () => {
    const rb = runbook([{ series: short, expect: { 'memory-10m': 'pass', 'stats-errors': 'pass' } }], {
      stats: { type: 'json', url: '/stats' },
    });
    const error = (await run(rb).catch((e: unknown) => e)) as RollgateError;
    expect(error).toBeInstanceOf(RollgateError);
    expect(error.code).toBe('ROLLGATE_RUNBOOK_INVALID');
    expect(error.message).toContain(
      'stages.soak.metricTests.0.expect.stats-errors: check "stats-errors" of stage "soak"',
    );
    expect(error.message).toContain('json provider "stats"');
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('stopped after the first outcome: throws the stop, tests nothing more, leaves no temp folder or Prometheus', async () => {
    const controller = new AbortController();
    const seen: RecordedOutcome[] = [];
    const cases = [short, hour, short].map((series) => ({ series, expect: { 'memory-10m': 'pass' } }));
    const error = await run(runbook(cases), {
      signal: controller.signal,
      onOutcome: (o) => {
        seen.push(o);
        controller.abort();
      },
    }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(seen).toHaveLength(1);
    expect(readdirSync(tmp)).toEqual([]);
    expect(processesUsing(tmp)).toEqual([]);
  });
});
