import { describe, expect, it } from 'vitest';
import { createCheckApi } from '../../src/checks/authoring/check-api.ts';
import { CheckFailure, ObservationError } from '../../src/checks/authoring/errors.ts';
import { emptyRecord } from '../../src/checks/authoring/record.ts';
import { thrown } from './helpers.ts';

const p95 = { name: 'p95-latency', operator: '<=' as const, expected: 500, unit: 'ms' };

describe('createCheckApi', () => {
  it('measure records every measurement, pass or fail, and returns it', () => {
    const record = emptyRecord();
    const api = createCheckApi(record);
    const ok = api.measure(p95, 420, 100);
    const bad = api.measure(p95, 900, 100);
    expect(ok.passed).toBe(true);
    expect(bad.passed).toBe(false);
    expect(record.measurements).toEqual([ok, bad]);
  });

  it('measure defaults to one sample', () => {
    const api = createCheckApi(emptyRecord());
    expect(api.measure(p95, 420).samples).toBe(1);
  });

  it('require returns a passing measurement and records it', () => {
    const record = emptyRecord();
    const m = createCheckApi(record).require(p95, 420, 50);
    expect(m.passed).toBe(true);
    expect(record.measurements).toHaveLength(1);
  });

  it('require throws CheckFailure describing a broken budget, after recording it', () => {
    const record = emptyRecord();
    const e = thrown(() => createCheckApi(record).require(p95, 812, 1200));
    expect(e).toBeInstanceOf(CheckFailure);
    expect(e).not.toBeInstanceOf(ObservationError);
    expect(e.message).toBe('p95-latency: 812 ms violates <= 500 ms (1200 samples)');
    expect(record.measurements).toEqual([expect.objectContaining({ actual: 812, passed: false })]);
  });

  it.each([
    ['a null value', null, 10],
    ['an undefined value', undefined, 10],
    ['NaN', Number.NaN, 10],
    ['zero samples', 100, 0],
  ])('require throws ObservationError ROLLGATE_NO_DATA for %s', (_label, actual, samples) => {
    const record = emptyRecord();
    const e = thrown(() => createCheckApi(record).require(p95, actual, samples));
    expect(e).toBeInstanceOf(ObservationError);
    expect(e.code).toBe('ROLLGATE_NO_DATA');
    expect(e.message).toContain('no data');
    expect(record.measurements).toHaveLength(1);
  });

  it('require throws ObservationError for an inconclusive sample count', () => {
    const e = thrown(() => createCheckApi(emptyRecord()).require({ ...p95, minSamples: 30 }, 100, 5));
    expect(e).toBeInstanceOf(ObservationError);
    expect(e.code).toBe('ROLLGATE_INCONCLUSIVE');
    expect(e.message).toContain('inconclusive: 5 samples, need at least 30');
  });

  it('attach records body and path evidence', () => {
    const record = emptyRecord();
    const api = createCheckApi(record);
    api.attach('response', 'application/json', { body: '{"version":"1.2.3"}' });
    api.attach('screenshot', 'image/png', { path: '/tmp/shot.png' });
    expect(record.evidence).toEqual([
      { name: 'response', contentType: 'application/json', body: '{"version":"1.2.3"}' },
      { name: 'screenshot', contentType: 'image/png', path: '/tmp/shot.png' },
    ]);
  });
});
