import { describe, expect, it } from 'vitest';
import { checkIsOk, decide } from '../../src/engine/policy.ts';
import { makeCheck, makeMeasurement } from './helpers.ts';

const hold = { flaky: 'hold' as const };
const promote = { flaky: 'promote' as const };

describe('checkIsOk', () => {
  it('accepts passed and waived', () => {
    expect(checkIsOk(makeCheck({ status: 'passed' }), hold)).toBe(true);
    expect(checkIsOk(makeCheck({ status: 'waived' }), hold)).toBe(true);
  });

  it('accepts a skip only when it is declared not applicable with a reason', () => {
    expect(
      checkIsOk(makeCheck({ status: 'skipped', notApplicable: 'no database on this target' }), hold),
    ).toBe(true);
    expect(checkIsOk(makeCheck({ status: 'skipped' }), hold)).toBe(false);
    expect(checkIsOk(makeCheck({ status: 'skipped', notApplicable: '   ' }), hold)).toBe(false);
  });

  it('judges flaky by the stage policy', () => {
    expect(checkIsOk(makeCheck({ status: 'flaky' }), hold)).toBe(false);
    expect(checkIsOk(makeCheck({ status: 'flaky' }), promote)).toBe(true);
  });

  it('rejects failed and errored', () => {
    expect(checkIsOk(makeCheck({ status: 'failed' }), promote)).toBe(false);
    expect(checkIsOk(makeCheck({ status: 'errored' }), promote)).toBe(false);
  });
});

describe('decide', () => {
  it('promotes when every blocking check is passed, waived or skipped as not applicable', () => {
    const d = decide(
      [
        makeCheck({ id: 'a' }),
        makeCheck({ id: 'b', status: 'waived' }),
        makeCheck({ id: 'c', status: 'skipped', notApplicable: 'no backups on canary' }),
      ],
      hold,
    );
    expect(d).toEqual({ verdict: 'promote', reasons: [], warnings: [] });
  });

  it('holds on a skip without a reason, naming the check', () => {
    const d = decide([makeCheck({ id: 'a' }), makeCheck({ id: 'backup/age', status: 'skipped' })], hold);
    expect(d.verdict).toBe('hold');
    expect(d.reasons).toEqual([expect.stringMatching(/^backup\/age skipped/)]);
  });

  it("holds a flaky blocking check under flaky: 'hold' and promotes it under 'promote'", () => {
    const checks = [makeCheck({ id: 'golden/login', status: 'flaky', message: 'passed only on retry 1' })];
    const held = decide(checks, hold);
    expect(held.verdict).toBe('hold');
    expect(held.reasons).toEqual(['golden/login flaky: passed only on retry 1']);
    expect(decide(checks, promote)).toEqual({ verdict: 'promote', reasons: [], warnings: [] });
  });

  it('turns advisory failures into warnings, not reasons', () => {
    const d = decide(
      [
        makeCheck({ id: 'a' }),
        makeCheck({ id: 'golden/slow', status: 'failed', blocking: false, message: 'too slow' }),
        makeCheck({ id: 'golden/down', status: 'errored', blocking: false, message: 'refused' }),
      ],
      hold,
    );
    expect(d.verdict).toBe('promote');
    expect(d.reasons).toEqual([]);
    expect(d.warnings).toEqual(['golden/slow failed: too slow', 'golden/down errored: refused']);
  });

  it('holds when no blocking check ran, even with passing advisory checks', () => {
    const empty = decide([], hold);
    expect(empty.verdict).toBe('hold');
    expect(empty.reasons).toEqual([expect.stringContaining('no blocking check ran')]);
    const advisoryOnly = decide([makeCheck({ blocking: false })], hold);
    expect(advisoryOnly.verdict).toBe('hold');
    expect(advisoryOnly.reasons).toEqual([expect.stringContaining('no blocking check ran')]);
  });

  it('holds an interrupted run, with the interruption as a reason', () => {
    const d = decide([makeCheck()], hold, 'SIGINT received');
    expect(d.verdict).toBe('hold');
    expect(d.reasons).toEqual(['interrupted: SIGINT received']);
  });

  it('gives an errored check its message as reason, even when a measurement broke', () => {
    const d = decide(
      [
        makeCheck({
          id: 'probes/latency',
          status: 'errored',
          message: 'target unreachable: connection refused at http://127.0.0.1:1/\nsecond line',
          measurements: [makeMeasurement({ actual: null, samples: 0, passed: false, note: 'no data' })],
        }),
      ],
      hold,
    );
    expect(d.reasons).toEqual([
      'probes/latency errored: target unreachable: connection refused at http://127.0.0.1:1/; second line',
    ]);
  });

  it('falls back to the broken measurement for an errored check without a message', () => {
    const d = decide(
      [
        makeCheck({
          id: 'probes/latency',
          status: 'errored',
          measurements: [makeMeasurement({ actual: null, samples: 0, passed: false })],
        }),
      ],
      hold,
    );
    expect(d.reasons).toEqual([
      'probes/latency errored: p95-latency: no value violates <= 500 ms (0 samples)',
    ]);
  });

  it('gives a failed check the measurement that broke, not the passing ones', () => {
    const d = decide(
      [
        makeCheck({
          id: 'probes/latency',
          status: 'failed',
          message: 'AssertionError: expected false to be true',
          measurements: [
            makeMeasurement({
              name: 'error-rate',
              actual: 0,
              operator: '<=',
              expected: 0.01,
              unit: undefined,
            }),
            makeMeasurement({ actual: 812, passed: false }),
          ],
        }),
      ],
      hold,
    );
    expect(d.reasons).toEqual([
      'probes/latency failed: p95-latency: 812 ms violates <= 500 ms (1200 samples)',
    ]);
  });

  it('lists one reason per holding check, after the interruption', () => {
    const d = decide(
      [
        makeCheck({ id: 'a', status: 'failed' }),
        makeCheck({ id: 'b', status: 'errored' }),
        makeCheck({ id: 'c' }),
      ],
      hold,
      'stage deadline of 1000 ms passed',
    );
    expect(d.reasons).toEqual(['interrupted: stage deadline of 1000 ms passed', 'a failed', 'b errored']);
  });
});
