import { describe, expect, it } from 'vitest';
import { type BudgetSpec, describeMeasurement, evaluate } from '../../src/checks/budget.ts';
import { Measurement } from '../../src/model/measurement.ts';
import { makeMeasurement } from './helpers.ts';

const p95: BudgetSpec = { name: 'p95-latency', operator: '<=', expected: 500, unit: 'ms' };

describe('evaluate', () => {
  it.each([
    ['<', 499, true],
    ['<', 500, false],
    ['<=', 500, true],
    ['<=', 501, false],
    ['>', 501, true],
    ['>', 500, false],
    ['>=', 500, true],
    ['>=', 499, false],
    ['==', 500, true],
    ['==', 499, false],
    ['!=', 499, true],
    ['!=', 500, false],
  ] as const)('%s 500 with %d passes: %s', (operator, actual, passed) => {
    const m = evaluate({ ...p95, operator }, actual, 10);
    expect(m.passed).toBe(passed);
    expect(m.note).toBeUndefined();
    expect(Measurement.safeParse(m).success).toBe(true);
  });

  it('compares strings with == and !=', () => {
    expect(evaluate({ name: 'version', operator: '==', expected: '1.2.3' }, '1.2.3', 1).passed).toBe(true);
    expect(evaluate({ name: 'version', operator: '==', expected: '1.2.3' }, '1.2.4', 1).passed).toBe(false);
    expect(evaluate({ name: 'version', operator: '!=', expected: '1.2.3' }, '1.2.4', 1).passed).toBe(true);
  });

  it('carries name, operator, expected, unit and samples into the measurement', () => {
    expect(evaluate(p95, 420, 1200)).toEqual({
      name: 'p95-latency',
      operator: '<=',
      expected: 500,
      unit: 'ms',
      samples: 1200,
      actual: 420,
      passed: true,
      outcome: 'pass',
    });
  });

  it('never passes on zero samples, even with a value inside the budget', () => {
    const m = evaluate(p95, 1, 0);
    expect(m.passed).toBe(false);
    expect(m.actual).toBe(1);
    expect(m.note).toMatch(/^no data/);
  });

  it.each([null, undefined, Number.NaN])(
    'never passes when the actual value is %s, noting no data',
    (actual) => {
      const m = evaluate({ ...p95, operator: '!=' }, actual, 100);
      expect(m.passed).toBe(false);
      expect(m.actual).toBeNull();
      expect(m.note).toMatch(/^no data/);
      expect(Measurement.safeParse(m).success).toBe(true);
    },
  );

  it('is inconclusive below minSamples, and judges from minSamples on', () => {
    const spec = { ...p95, minSamples: 30 };
    const few = evaluate(spec, 100, 29);
    expect(few.passed).toBe(false);
    expect(few.note).toBe('inconclusive: 29 samples, need at least 30');
    const enough = evaluate(spec, 100, 30);
    expect(enough.passed).toBe(true);
    expect(enough.note).toBeUndefined();
  });

  it('does not pass when the value and the budget have different types', () => {
    const m = evaluate(p95, '420', 10);
    expect(m.passed).toBe(false);
    expect(m.note).toBe('cannot compare string with number');
    const m2 = evaluate({ name: 'version', operator: '!=', expected: '1.2.3' }, 5, 1);
    expect(m2.passed).toBe(false);
    expect(m2.note).toBe('cannot compare number with string');
  });
});

describe('describeMeasurement', () => {
  it('describes a broken measurement with unit and sample count', () => {
    expect(describeMeasurement(makeMeasurement({ actual: 812, passed: false }))).toBe(
      'p95-latency: 812 ms violates <= 500 ms (1200 samples)',
    );
  });

  it('describes a passing measurement without "violates", singular sample', () => {
    expect(describeMeasurement(makeMeasurement({ actual: 420, samples: 1 }))).toBe(
      'p95-latency: 420 ms <= 500 ms (1 sample)',
    );
  });

  it('shows no value and the note when nothing was measured', () => {
    expect(describeMeasurement(evaluate(p95, null, 0))).toBe(
      'p95-latency: no value not judged: <= 500 ms (0 samples; no data: nothing was measured)',
    );
  });

  it('omits the unit when there is none', () => {
    expect(
      describeMeasurement(
        makeMeasurement({
          name: 'version',
          actual: '1.2.4',
          operator: '==',
          expected: '1.2.3',
          unit: undefined,
          samples: 1,
          passed: false,
        }),
      ),
    ).toBe('version: 1.2.4 violates == 1.2.3 (1 sample)');
  });
});
