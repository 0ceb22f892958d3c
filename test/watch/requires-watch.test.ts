import { afterAll, describe, expect, test } from 'vitest';
import { validateRunbook } from '../../src/config/load-runbook.ts';
import { governanceChecks } from '../../src/engine/steps/governance.ts';
import { fileStore } from '../../src/engine/store/file-store.ts';
import type { LedgerEntry } from '../../src/model/ledger-entry.ts';
import { tempDirs } from '../unit/helpers.ts';

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

const runbook = validateRunbook('rb.ts', {
  name: 'shop',
  targets: { t: { baseURL: 'http://127.0.0.1:9' } },
  stages: {
    canary: { target: 't', suites: ['a.suite.ts'], watch: { interval: '5m', duration: '1h' } },
    production: {
      target: 't',
      suites: ['a.suite.ts'],
      requires: { stages: [{ stage: 'canary' }], watch: { stage: 'canary', span: '2h' } },
    },
  },
});

const T0 = Date.parse('2026-11-22T00:00:00.000Z');
const at = (min: number) => new Date(T0 + min * 60_000).toISOString();

/** A watch run of canary starting at minute `start`, taking one minute, in a series every 5 minutes. */
function run(start: number, verdict: 'promote' | 'hold' = 'promote', release = '1.2.3'): LedgerEntry {
  return {
    schemaVersion: 1,
    runId: `run-${start}`,
    runbook: 'shop',
    stage: 'canary',
    release,
    verdict,
    startedAt: at(start),
    finishedAt: at(start + 1),
    summary: {},
    reasons: [],
    watch: {
      series: `series-${Math.floor(start / 60)}`,
      index: 1 + (start % 60) / 5,
      of: 13,
      intervalMs: 300_000,
    },
  };
}

async function production(entries: LedgerEntry[]) {
  const store = fileStore(dirs.make());
  for (const e of entries) await store.appendLedger(e);
  const r = await governanceChecks({
    runbook,
    runbookFile: 'rb.ts',
    stageName: 'production',
    stage: runbook.stages.production!,
    release: '1.2.3',
    now: new Date(at(600)),
    store,
  });
  return Object.fromEntries(r.checks.map((c) => [c.id, c]));
}

const every5 = (from: number, to: number) =>
  Array.from({ length: (to - from) / 5 + 1 }, (_, i) => from + i * 5);

describe('requires.watch: consecutive passing watch runs must span a duration', () => {
  test('met: runs of two series back to back span 2 h (first start to last finish)', async () => {
    const c = await production(every5(0, 120).map((m) => run(m)));
    expect(c['requires/watch']).toMatchObject({
      status: 'passed',
      blocking: true,
      title: '2h of consecutive passing canary watch runs for release 1.2.3',
      message: `25 runs of canary passed in a row for 1.2.3, spanning 2h1m from ${at(0)} to ${at(121)}`,
    });
    expect(c['requires/watch']?.measurements[0]).toMatchObject({
      name: 'canary-watch-span',
      actual: 7260,
      operator: '>=',
      expected: 7200,
      samples: 25,
      passed: true,
    });
  });

  test('not met: too short, with the span it has', async () => {
    const c = await production(every5(0, 30).map((m) => run(m)));
    expect(c['requires/watch']?.status).toBe('failed');
    expect(c['requires/watch']?.message).toBe(
      'needs 2h of consecutive passing watch runs of canary for 1.2.3; has 31m (7 runs)',
    );
  });

  test('broken by a failure: only the runs since the last held run count', async () => {
    const entries = every5(0, 120).map((m) => run(m, m === 90 ? 'hold' : 'promote'));
    const c = await production(entries);
    expect(c['requires/watch']?.status).toBe('failed');
    expect(c['requires/watch']?.message).toBe(
      `needs 2h of consecutive passing watch runs of canary for 1.2.3; has 26m (6 runs since the last failure at ${at(91)} (run run-90))`,
    );
  });

  test('a single gate of the stage that held between watch runs breaks the streak; one that promoted does not', async () => {
    const single = (m: number, verdict: 'promote' | 'hold') => {
      const { watch: _watch, ...rest } = run(m, verdict);
      return { ...rest, runId: `single-${m}` };
    };
    const runs = every5(0, 120).map((m) => run(m));
    const held = await production([
      ...runs.filter((e) => e.startedAt <= at(90)),
      single(92, 'hold'),
      ...runs.filter((e) => e.startedAt > at(90)),
    ]);
    expect(held['requires/watch']?.status).toBe('failed');
    expect(held['requires/watch']?.message).toMatch(/since the last failure at .* \(run single-92\)/);
    const promoted = await production([
      ...runs.filter((e) => e.startedAt <= at(90)),
      single(92, 'promote'),
      ...runs.filter((e) => e.startedAt > at(90)),
    ]);
    expect(promoted['requires/watch']?.status).toBe('passed');
  });

  test('broken by a pause longer than the interval: nothing watched the deployment then', async () => {
    const entries = [...every5(0, 60), ...every5(80, 140)].map((m) => run(m));
    const c = await production(entries);
    expect(c['requires/watch']?.message).toBe(
      `needs 2h of consecutive passing watch runs of canary for 1.2.3; has 1h1m (13 runs since a 19m pause without watch runs after ${at(61)})`,
    );
    expect(c['requires/watch']?.measurements[0]).toMatchObject({ actual: 3660, passed: false });
  });

  test('another release, a newest run that held, or no runs at all: none', async () => {
    const other = await production(every5(0, 150).map((m) => run(m, 'promote', '1.2.2')));
    expect(other['requires/watch']?.message).toBe(
      'needs 2h of consecutive passing watch runs of canary for 1.2.3; has none: no watch runs in the ledger; run the canary gate with a watch',
    );
    const held = await production([...every5(0, 150).map((m) => run(m)), run(155, 'hold')]);
    expect(held['requires/watch']?.message).toBe(
      `needs 2h of consecutive passing watch runs of canary for 1.2.3; has none: the newest watch run held at ${at(156)} (run run-155)`,
    );
  });

  test('a passing run of a series is not a PROMOTE of the stage: requires.stages reads the series line', async () => {
    const runs = every5(0, 10).map((m) => run(m));
    const before = await production(runs);
    expect(before['requires/canary']?.status).toBe('failed');
    const seriesLine: LedgerEntry = {
      ...run(0),
      runId: 'series-0',
      finishedAt: at(11),
      watch: {
        series: 'series-0',
        of: 13,
        intervalMs: 300_000,
        result: {
          outcome: 'passed',
          runs: 3,
          failures: 0,
          consecutivePasses: 3,
          failureLimit: 0,
          consecutiveSuccessLimit: 3,
          durationMs: 3600_000,
        },
      },
    };
    const after = await production([...runs, seriesLine]);
    expect(after['requires/canary']).toMatchObject({
      status: 'passed',
      message: `promoted by run series-0 at ${at(11)}`,
    });
    // The series line does not count as a watch run: the span is still the runs'.
    expect(after['requires/watch']?.message).toContain('has 11m (3 runs)');
  });
});
