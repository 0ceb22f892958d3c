import { describe, expect, test } from 'vitest';
import { validateRunbook } from '../../src/config/load-runbook.ts';
import { resolveWatch } from '../../src/config/watch-options.ts';
import type { WatchProgress } from '../../src/engine/watch/watch.ts';
import { watchProgressLine } from '../../src/reporters/console.ts';
import { makeVerdict, thrown } from '../unit/helpers.ts';

const rb = validateRunbook('rb.ts', {
  name: 'shop',
  targets: { t: { baseURL: 'http://127.0.0.1:9' } },
  stages: {
    once: { target: 't', suites: ['a.suite.ts'] },
    soak: { target: 't', suites: ['a.suite.ts'], watch: { interval: '1m', duration: '2h', failureLimit: 1 } },
  },
});

describe('resolving a watch: CLI beats runbook, field by field', () => {
  test('a stage without watch and without flags runs once', () => {
    expect(resolveWatch('once', rb.stages.once!, {})).toBeUndefined();
  });

  test("the runbook's watch, with flags overriding single fields", () => {
    expect(resolveWatch('soak', rb.stages.soak!, {})).toEqual({
      interval: 60_000,
      duration: 7_200_000,
      failureLimit: 1,
    });
    expect(
      resolveWatch('soak', rb.stages.soak!, { watchDuration: '10m', consecutiveSuccessLimit: '5' }),
    ).toEqual({ interval: 60_000, duration: 600_000, failureLimit: 1, consecutiveSuccessLimit: 5 });
  });

  test('flags alone make a watch when they give interval and duration; failureLimit defaults to 0', () => {
    expect(resolveWatch('once', rb.stages.once!, { watchInterval: '30s', watchDuration: '10m' })).toEqual({
      interval: 30_000,
      duration: 600_000,
      failureLimit: 0,
    });
    expect(thrown(() => resolveWatch('once', rb.stages.once!, { failureLimit: '1' })).message).toContain(
      'stage "once" declares no watch: give both --watch-interval and --watch-duration',
    );
  });

  test('bad values name the flag and exit as usage errors', () => {
    const e = thrown(() => resolveWatch('soak', rb.stages.soak!, { watchInterval: 'often' }));
    expect(e.code).toBe('ROLLGATE_BAD_ARGUMENT');
    expect(e.message).toBe('--watch-interval "often": use a duration such as 30m, 24h or 2d.');
    expect(thrown(() => resolveWatch('soak', rb.stages.soak!, { watchDuration: '0s' })).message).toBe(
      '--watch-duration "0s": must be longer than zero.',
    );
    expect(thrown(() => resolveWatch('soak', rb.stages.soak!, { failureLimit: '-1' })).message).toBe(
      '--failure-limit: "-1" is not a whole number, such as 1.',
    );
    expect(
      thrown(() => resolveWatch('soak', rb.stages.soak!, { consecutiveSuccessLimit: '0' })).message,
    ).toBe('--consecutive-success-limit "0": Too small: expected number to be >=1.');
    // A limit that tolerates every planned run could pass a series that never passed.
    expect(
      thrown(() =>
        resolveWatch('soak', rb.stages.soak!, {
          watchInterval: '1m',
          watchDuration: '1m',
          failureLimit: '2',
        }),
      ).message,
    ).toBe(
      '--failure-limit: a failure limit of 2 tolerates every one of the 2 runs planned, so the series could pass without a passing run; use at most 1.',
    );
  });

  test('a runbook watch with a zero interval is refused when the runbook loads', () => {
    const e = thrown(() =>
      validateRunbook('rb.ts', {
        name: 'shop',
        targets: { t: { baseURL: 'http://127.0.0.1:9' } },
        stages: { soak: { target: 't', suites: ['a.suite.ts'], watch: { interval: '0s', duration: '1h' } } },
      }),
    );
    expect(e.message).toContain('rb.ts: stages.soak.watch.interval: must be longer than zero');
  });
});

describe('watch progress on the console', () => {
  const progress = (over: Partial<WatchProgress>): WatchProgress => ({
    stage: 'canary',
    index: 3,
    verdict: makeVerdict(),
    state: { runs: 3, passes: 3, failures: 0, consecutivePasses: 3 },
    limits: { failureLimit: 1, consecutiveSuccessLimit: 5, runs: 12 },
    status: { done: false },
    nextInMs: 29_400,
    ...over,
  });

  test('one line per run: position, verdict, failures against the limit, passes in a row, next run', () => {
    expect(watchProgressLine(progress({}))).toBe(
      'watch canary 3/12 · PROMOTE 1/1 · failures 0 (limit 1) · consecutive passes 3/5 · next in 30s\n',
    );
  });

  test('a run that held shows its reasons; the last line says how the series ended', () => {
    const held = makeVerdict(undefined, {
      verdict: 'hold',
      runId: 'r-2',
      reasons: ['probes/version-matches failed: version "0.1.0-wrong" (== 0.1.0)'],
    });
    expect(
      watchProgressLine(
        progress({
          verdict: held,
          state: { runs: 2, passes: 0, failures: 2, consecutivePasses: 0 },
          limits: { failureLimit: 1, runs: 4 },
          status: { done: true, outcome: 'failed', reason: 'watch: 2 of 2 runs failed, failureLimit 1' },
          nextInMs: undefined,
        }),
      ),
    ).toBe(
      [
        'watch canary 3/4 · HOLD 1/1 · failures 2 (limit 1) · consecutive passes 0 · series failed',
        '    run r-2:',
        '      - probes/version-matches failed: version "0.1.0-wrong" (== 0.1.0)',
        '',
      ].join('\n'),
    );
  });
});
