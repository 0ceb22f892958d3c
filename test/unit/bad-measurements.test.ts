import { describe, expect, it } from 'vitest';
import { createCheckApi } from '../../src/checks/authoring/check-api.ts';
import { ObservationError } from '../../src/checks/authoring/errors.ts';
import { emptyRecord } from '../../src/checks/authoring/record.ts';
import { describeValue } from '../../src/model/check-problems.ts';
import type { Measurement, Operator } from '../../src/model/measurement.ts';
import { makeMeasurement, thrown } from './helpers.ts';

const healthy = { name: 'healthy', operator: '==' as const, expected: 1 };

/** A check that records a bad measurement errors with a clear message, and records nothing bad. */
describe('check API refuses what the verdict cannot hold', () => {
  it('measure() with a boolean actual errors the check naming field and value, recording nothing', () => {
    const record = emptyRecord();
    const e = thrown(() => createCheckApi(record).measure(healthy, true as unknown as number));
    expect(e).toBeInstanceOf(ObservationError);
    expect((e as ObservationError).code).toBe('ROLLGATE_BAD_MEASUREMENT');
    expect(e.message).toBe('measurement "healthy": actual must be a number, got boolean true');
    expect(record.measurements).toEqual([]);
  });

  it('require() with Infinity, an unknown operator or fractional samples errors the same way', () => {
    const api = createCheckApi(emptyRecord());
    expect(thrown(() => api.require(healthy, Number.POSITIVE_INFINITY)).message).toBe(
      'measurement "healthy": actual must be a finite number, got Infinity',
    );
    expect(thrown(() => api.require({ ...healthy, operator: '=~' as Operator }, 1)).message).toBe(
      'measurement "healthy": operator must be one of <, <=, >, >=, ==, !=, got string "=~"',
    );
    expect(thrown(() => api.measure(healthy, 1, 2.5)).message).toBe(
      'measurement "healthy": samples must be a whole number of 0 or more, got number 2.5',
    );
  });

  it('NaN and undefined stay "no data" (never a pass), not an error of the check', () => {
    const api = createCheckApi(emptyRecord());
    expect(api.measure(healthy, Number.NaN)).toMatchObject({ actual: null, passed: false });
    expect(api.measure(healthy, undefined)).toMatchObject({ actual: null, passed: false });
  });

  it('record() refuses a hand-built measurement that passes without data, and evidence without content', () => {
    const record = emptyRecord();
    const api = createCheckApi(record);
    const m = makeMeasurement({ name: 'lcp', actual: null, passed: true });
    expect(thrown(() => api.record(m)).message).toBe(
      'measurement "lcp": passed is true but actual is null: nothing measured never passes',
    );
    expect(thrown(() => api.record({ ...m, actual: 1, samples: 0 })).message).toBe(
      'measurement "lcp": passed is true on 0 samples: zero samples never pass',
    );
    expect(
      thrown(() => api.attach('trace', 'application/zip', {} as unknown as { body: string })).message,
    ).toBe('evidence "trace": evidence needs a path or a body');
    expect(record).toEqual(emptyRecord());
    const fine: Measurement = makeMeasurement();
    expect(api.record(fine)).toBe(fine);
  });

  it('values are named as a reader expects them', () => {
    expect([true, Number.NaN, -Infinity, 'x', null, undefined, [1], {}, 3].map(describeValue)).toEqual([
      'boolean true',
      'NaN',
      '-Infinity',
      'string "x"',
      'null',
      'nothing',
      'an array of 1',
      'an object',
      'number 3',
    ]);
  });
});
