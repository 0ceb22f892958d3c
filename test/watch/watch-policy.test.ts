import { describe, expect, test } from 'vitest';
import {
  interruptedReason,
  judge,
  plannedRuns,
  record,
  START,
  type WatchLimits,
  type WatchState,
  type WatchStatus,
} from '../../src/engine/watch/watch-policy.ts';
import { formatDuration } from '../../src/model/governance.ts';

/** Feeds runs (true = passed) to the policy until it answers; returns the answer and the runs it took. */
function series(results: boolean[], limits: WatchLimits): { status: WatchStatus; state: WatchState } {
  let state = START;
  let status: WatchStatus = { done: false };
  for (const passed of results) {
    state = record(state, passed);
    status = judge(state, limits);
    if (status.done) break;
  }
  return { status, state };
}

describe('watch policy (Argo Rollouts analysis semantics)', () => {
  test('a series covers its whole duration: runs at 0, interval, … until one starts at or after the end', () => {
    expect(plannedRuns(60_000, 2 * 3600_000)).toBe(121);
    expect(plannedRuns(1000, 3000)).toBe(4);
    expect(plannedRuns(3 * 60_000, 10 * 60_000)).toBe(5); // 0, 3, 6, 9, 12 min
    expect(plannedRuns(60_000, 30_000)).toBe(2);
  });

  test('fails early once failures exceed failureLimit, and not before', () => {
    const limits = { failureLimit: 1, runs: 6 };
    const one = series([true, false, true], limits);
    expect(one.status.done).toBe(false);
    const { status, state } = series([true, false, true, false, true, true], limits);
    expect(state.runs).toBe(4);
    expect(status).toEqual({
      done: true,
      outcome: 'failed',
      reason: 'watch: 2 of 4 runs failed, failureLimit 1',
    });
  });

  test('failureLimit 0 (the default) holds at the first failure', () => {
    const { status, state } = series([false, true, true], { failureLimit: 0, runs: 3 });
    expect(state.runs).toBe(1);
    expect(status).toMatchObject({ outcome: 'failed', reason: 'watch: 1 of 1 run failed, failureLimit 0' });
  });

  test('without consecutiveSuccessLimit, every run done within failureLimit passes', () => {
    const { status, state } = series([true, false, true, true], { failureLimit: 1, runs: 4 });
    expect(state).toEqual({ runs: 4, passes: 3, failures: 1, consecutivePasses: 2 });
    expect(status).toEqual({
      done: true,
      outcome: 'passed',
      reason: 'watch: 4 of 4 runs, 1 failure (failureLimit 1)',
    });
  });

  test('fail closed beyond Argo: a series whose newest run failed holds, even within failureLimit', () => {
    const { status } = series([true, true, true, false], { failureLimit: 1, runs: 4 });
    expect(status).toEqual({
      done: true,
      outcome: 'failed',
      reason: 'watch: the newest run failed (1 of 4 runs failed, failureLimit 1)',
    });
    // Never a pass without a passing run, whatever the limit.
    expect(series([false, false], { failureLimit: 5, runs: 2 }).status).toMatchObject({ outcome: 'failed' });
  });

  test('passes early on consecutiveSuccessLimit passes in a row; a failure resets the count', () => {
    const limits = { failureLimit: 1, consecutiveSuccessLimit: 3, runs: 10 };
    const { status, state } = series([true, true, false, true, true, true, true], limits);
    expect(state.runs).toBe(6);
    expect(status).toEqual({
      done: true,
      outcome: 'passed',
      reason:
        'watch: 3 consecutive passes (consecutiveSuccessLimit 3) after 6 runs, 1 failure (failureLimit 1)',
    });
  });

  test('consecutiveSuccessLimit not reached by the last run is inconclusive, which holds', () => {
    const { status, state } = series([false, true, true, false], {
      failureLimit: 2,
      consecutiveSuccessLimit: 3,
      runs: 4,
    });
    expect(state.runs).toBe(4);
    expect(status).toEqual({
      done: true,
      outcome: 'inconclusive',
      reason: 'watch: 0 consecutive passes, needed 3 (inconclusive after 4 of 4 runs)',
    });
  });

  test('stops as inconclusive as soon as the runs left cannot reach consecutiveSuccessLimit', () => {
    const limits = { failureLimit: 2, consecutiveSuccessLimit: 5, runs: 6 };
    expect(series([true], limits).status.done).toBe(false);
    const { status, state } = series([true, false, true], limits);
    expect(state.runs).toBe(2);
    expect(status).toEqual({
      done: true,
      outcome: 'inconclusive',
      reason:
        'watch: 0 consecutive passes, needed 5; 4 runs left cannot reach it (inconclusive after 2 of 6 runs)',
    });
  });

  test('failing beats passing: exceeding failureLimit is checked first', () => {
    const { status } = series([false, false], { failureLimit: 0, consecutiveSuccessLimit: 1, runs: 2 });
    expect(status).toMatchObject({ outcome: 'failed' });
  });

  test('an interrupted series says how far it got', () => {
    const state = record(record(START, true), false);
    expect(interruptedReason(state, { failureLimit: 1, runs: 12 })).toBe(
      'watch: stopped after 2 of 12 runs, 1 failure, before an answer',
    );
  });

  test('durations print in whole units, rounded down', () => {
    expect(formatDuration(999)).toBe('999ms');
    expect(formatDuration(30_000)).toBe('30s');
    expect(formatDuration(90_500)).toBe('1m30s');
    expect(formatDuration(35 * 60_000 + 59_999)).toBe('35m59s');
    expect(formatDuration(2 * 3600_000)).toBe('2h');
    expect(formatDuration(72 * 60_000)).toBe('1h12m');
    expect(formatDuration(48 * 3600_000)).toBe('2d');
  });
});
