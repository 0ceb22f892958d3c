import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/checks/budget.ts';
import { loadStatus } from '../../src/checks/load/budgets.ts';
import { measurementProblems } from '../../src/model/check-problems.ts';
import { deriveOutcome, Measurement } from '../../src/model/measurement.ts';
import { Verdict } from '../../src/model/verdict.ts';
import { makeCheck, makeMeasurement, makeVerdict } from './helpers.ts';

const p95 = { name: 'p95-latency', operator: '<=' as const, expected: 500, unit: 'ms' };

describe('a measurement outcome is a union, set by the budget evaluator', () => {
  it.each([
    ['within budget', evaluate(p95, 420, 100), 'pass'],
    ['over budget', evaluate(p95, 812, 100), 'fail'],
    ['no value', evaluate(p95, null, 100), 'no-data'],
    ['undefined', evaluate(p95, undefined, 100), 'no-data'],
    ['NaN', evaluate(p95, Number.NaN, 100), 'no-data'],
    ['zero samples', evaluate(p95, 1, 0), 'no-data'],
    ['too few samples', evaluate({ ...p95, minSamples: 30 }, 420, 5), 'inconclusive'],
    ['a string against a number', evaluate(p95, '420', 1), 'fail'],
  ])('%s → %s, and passed agrees', (_label, m, outcome) => {
    expect(m.outcome).toBe(outcome);
    expect(m.passed).toBe(outcome === 'pass');
    expect(Measurement.parse(m)).toEqual(m);
  });

  it('refuses an outcome that disagrees with passed, or one outside the union, naming the field', () => {
    const lying = makeMeasurement({ name: 'lcp', passed: false, outcome: 'pass' });
    expect(measurementProblems(lying)).toEqual([
      'measurement "lcp": outcome disagrees with passed: passed must be true exactly when outcome is "pass"',
    ]);
    expect(measurementProblems(makeMeasurement({ name: 'lcp', outcome: 'fail' }))).toHaveLength(1);
    const unknown = { ...makeMeasurement({ name: 'lcp' }), outcome: 'maybe' };
    expect(measurementProblems(unknown)).toEqual([
      'measurement "lcp": outcome must be one of pass, fail, no-data, inconclusive, got string "maybe"',
    ]);
  });
});

describe('readers of measurements written before outcomes existed', () => {
  it.each([
    ['a pass', makeMeasurement(), 'pass'],
    ['a broken budget', makeMeasurement({ actual: 812, passed: false }), 'fail'],
    ['no value', makeMeasurement({ actual: null, passed: false }), 'no-data'],
    ['zero samples', makeMeasurement({ samples: 0, passed: false }), 'no-data'],
    ['a no-data note', makeMeasurement({ passed: false, note: 'no data: every request failed' }), 'no-data'],
    [
      'an inconclusive note',
      makeMeasurement({ passed: false, note: 'inconclusive: 5 samples' }),
      'inconclusive',
    ],
  ])('derive it when parsing %s', (_label, old, outcome) => {
    expect(old.outcome).toBeUndefined();
    expect(deriveOutcome(old)).toBe(outcome);
    expect(Measurement.parse(old)).toEqual({ ...old, outcome });
  });

  it('an old verdict.json parses, and its measurements come back with outcomes', () => {
    const old = JSON.parse(
      JSON.stringify(
        makeVerdict([
          makeCheck({ measurements: [makeMeasurement()] }),
          makeCheck({
            id: 'slow',
            status: 'failed',
            measurements: [makeMeasurement({ actual: 812, passed: false })],
          }),
        ]),
      ),
    );
    expect(JSON.stringify(old)).not.toContain('outcome');
    const v = Verdict.parse(old);
    expect(v.checks.map((c) => c.measurements.map((m) => m.outcome))).toEqual([['pass'], ['fail']]);
  });

  it('a set outcome is what counts, not the words of the note', () => {
    // The note reads like no data, but the outcome says the budget was observed broken: failed.
    const broken = { ...evaluate(p95, 812, 100), note: 'no data for one region; the rest is over budget' };
    expect(loadStatus([broken])).toBe('failed');
    expect(loadStatus([evaluate(p95, null, 100)])).toBe('errored');
    expect(loadStatus([evaluate({ ...p95, minSamples: 30 }, 420, 5)])).toBe('errored');
    expect(loadStatus([evaluate(p95, 420, 100)])).toBe('passed');
  });
});
