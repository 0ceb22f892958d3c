import { describe, expect, it } from 'vitest';
import { createCheckApi } from '../../src/checks/authoring/check-api.ts';
import { CheckFailure, ObservationError } from '../../src/checks/authoring/errors.ts';
import { emptyRecord } from '../../src/checks/authoring/record.ts';
import {
  aggregateVitals,
  evaluateVitals,
  median,
  requireVitals,
  VITALS,
} from '../../src/checks/probes/web-vitals-budgets.ts';
import { Measurement } from '../../src/model/measurement.ts';
import type { Budget } from '../../src/model/runbook.ts';

const BUDGETS: Budget[] = [
  { name: 'p95-latency', operator: '<=', value: 500, unit: 'ms' },
  { name: 'fcp', operator: '<', value: 1500, unit: 'ms' },
  { name: 'lcp', operator: '<', value: 2500, unit: 'ms' },
  { name: 'cls', operator: '<', value: 0.1 },
  { name: 'ttfb', operator: '<=', value: 800, unit: 'ms' },
  { name: 'inp', operator: '<=', value: 200, unit: 'ms' },
];
const healthy = { fcp: 210, lcp: 240, cls: 0, ttfb: 12, inp: 16 };

describe('median and aggregation', () => {
  it('takes the middle of an odd count and the mean of the two middles of an even count', () => {
    expect(median([300, 100, 200])).toBe(200);
    expect(median([400, 100, 300, 200])).toBe(250);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNull();
    expect(median([Number.NaN])).toBeNull();
  });

  it('counts as samples only the runs that produced a metric, and rounds ms but not CLS', () => {
    const agg = aggregateVitals([
      { lcp: 3120.4, cls: 0.05, inp: 24 },
      { lcp: 3096.6, cls: 0.25 },
      { lcp: 3300, cls: 0.12345 },
    ]);
    expect(agg.lcp).toEqual({ value: 3120, samples: 3 });
    expect(agg.cls).toEqual({ value: 0.1235, samples: 3 });
    expect(agg.inp).toEqual({ value: 24, samples: 1 });
    expect(agg.fcp).toEqual({ value: null, samples: 0 });
  });
});

describe('evaluateVitals', () => {
  it('judges only the web-vitals budgets, by median, with the run count as samples', () => {
    const ms = evaluateVitals([healthy, { ...healthy, lcp: 3300 }, { ...healthy, lcp: 2900 }], BUDGETS);
    expect(ms.map((m) => m.name)).toEqual(['fcp', 'lcp', 'cls', 'ttfb', 'inp']);
    for (const m of ms) expect(Measurement.safeParse(m).success).toBe(true);
    expect(ms.find((m) => m.name === 'lcp')).toMatchObject({
      actual: 2900,
      expected: 2500,
      unit: 'ms',
      samples: 3,
      passed: false,
    });
    expect(ms.filter((m) => m.name !== 'lcp').every((m) => m.passed)).toBe(true);
  });

  it('treats CLS as a unitless score', () => {
    const [cls] = evaluateVitals([{ cls: 0.25 }, { cls: 0.3 }], [BUDGETS[3]!]);
    expect(cls).toMatchObject({ name: 'cls', actual: 0.275, expected: 0.1, unit: undefined, passed: false });
    expect(evaluateVitals([{ cls: 0.02 }], [BUDGETS[3]!])[0]!.passed).toBe(true);
  });

  it('a budgeted metric no run produced is no data and never passes', () => {
    const ms = evaluateVitals([{ fcp: 200 }, { fcp: 220 }], BUDGETS);
    const lcp = ms.find((m) => m.name === 'lcp')!;
    expect(lcp).toMatchObject({ actual: null, samples: 0, passed: false });
    expect(lcp.note).toMatch(/^no data/);
  });

  it('a metric only some runs produced is inconclusive unless the budget says how many suffice', () => {
    const runs = [{ lcp: 400 }, { lcp: 420 }, {}];
    const [lcp] = evaluateVitals(runs, [BUDGETS[2]!]);
    expect(lcp).toMatchObject({ name: 'lcp', actual: 410, samples: 2, passed: false });
    expect(lcp!.note).toBe('inconclusive: 2 samples, need at least 3');
    expect(evaluateVitals(runs, [{ ...BUDGETS[2]!, minSamples: 2 }])[0]!.passed).toBe(true);
  });

  it('leaves out metrics the page did not measure (INP without an interaction)', () => {
    const without = VITALS.filter((n) => n !== 'inp');
    expect(evaluateVitals([healthy], BUDGETS, without).map((m) => m.name)).not.toContain('inp');
  });

  it('refuses a budget in the wrong unit, naming the budget and the fix', () => {
    expect(() => evaluateVitals([healthy], [{ name: 'lcp', operator: '<', value: 2.5, unit: 's' }])).toThrow(
      /budget "lcp": unit "s" .*in milliseconds/,
    );
    expect(() => evaluateVitals([healthy], [{ name: 'cls', operator: '<', value: 0.1, unit: 'ms' }])).toThrow(
      /unitless/,
    );
  });
});

describe('requireVitals', () => {
  const run = (runs: Parameters<typeof requireVitals>[2], budgets: Budget[] = BUDGETS) => {
    const record = emptyRecord();
    let error: unknown;
    try {
      requireVitals(createCheckApi(record), '/login', runs, budgets);
    } catch (e) {
      error = e;
    }
    return { record, error };
  };

  it('passes and records every budgeted metric when all are within budget', () => {
    const { record, error } = run([healthy, healthy, healthy]);
    expect(error).toBeUndefined();
    expect(record.measurements.map((m) => [m.name, m.passed, m.samples])).toEqual([
      ['fcp', true, 3],
      ['lcp', true, 3],
      ['cls', true, 3],
      ['ttfb', true, 3],
      ['inp', true, 3],
    ]);
  });

  it('fails naming the broken metric with actual, budget and samples', () => {
    const slow = { ...healthy, lcp: 3120 };
    const { record, error } = run([slow, slow, slow]);
    expect(error).toBeInstanceOf(CheckFailure);
    expect((error as Error).message).toBe(
      '/login: Largest Contentful Paint: lcp: 3120 ms violates < 2500 ms (3 samples)',
    );
    expect(record.measurements).toHaveLength(5);
  });

  it('errors (never passes) when a budgeted metric has no data', () => {
    const { error } = run([{ fcp: 200, cls: 0, ttfb: 10, inp: 16 }]);
    expect(error).toBeInstanceOf(ObservationError);
    expect((error as Error).message).toMatch(/lcp: no value .*no data/);
  });

  it('errors when the stage has no web-vitals budgets at all', () => {
    const { error } = run([healthy], [BUDGETS[0]!]);
    expect(error).toBeInstanceOf(ObservationError);
    expect((error as Error).message).toMatch(/no web-vitals budgets .*add them to the stage's budgets/);
  });
});
