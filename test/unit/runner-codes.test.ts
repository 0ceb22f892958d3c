import { describe, expect, it } from 'vitest';
import {
  codesOfErrors,
  ObservationError,
  watchObservationErrors,
} from '../../src/checks/authoring/errors.ts';
import { LoadUnreachableError } from '../../src/checks/load/reachable.ts';
import { rawResultsProblems } from '../../src/model/raw-result.ts';
import { readErrorCodes } from '../../src/reporters/playwright-reporter.ts';
import { rawError } from '../../src/reporters/vitest-reporter.ts';
import { makeRawTest } from './helpers.ts';

describe('the vitest reporter reads a serialised error’s own code', () => {
  it('keeps a non-empty string code and drops anything else', () => {
    expect(rawError({ name: 'ObservationError', message: 'no data', code: 'ROLLGATE_NO_DATA' })).toEqual({
      name: 'ObservationError',
      message: 'no data',
      code: 'ROLLGATE_NO_DATA',
    });
    expect(rawError({ name: 'Error', message: 'x', code: 42 })).toEqual({ name: 'Error', message: 'x' });
    expect(rawError({ name: 'Error', message: 'x', code: '' })).toEqual({ name: 'Error', message: 'x' });
  });
});

describe('the Playwright check fixture carries codes the reporter cannot see', () => {
  it('matches the errors a test failed with to the ObservationErrors made while it ran', () => {
    const seen: ObservationError[] = [];
    const stop = watchObservationErrors((e) => seen.push(e));
    const noData = new ObservationError('p95: no value', 'ROLLGATE_NO_DATA');
    const unreachable = new LoadUnreachableError('unreachable: http://127.0.0.1:9/');
    new ObservationError('caught and handled', 'ROLLGATE_HTTP');
    stop();
    new ObservationError('made after the test', 'ROLLGATE_TIMEOUT');
    expect(seen).toEqual([noData, unreachable, expect.any(ObservationError)]);
    // What Playwright hands its reporter: `name: message`, nothing else.
    const errors = [
      { message: 'ObservationError: p95: no value' },
      { message: 'LoadUnreachableError: unreachable: http://127.0.0.1:9/' },
      { message: 'Error: expect(received).toBe(expected)' },
      { message: 'ObservationError: made after the test' },
    ];
    expect(codesOfErrors(errors, seen)).toEqual([
      { message: 'ObservationError: p95: no value', code: 'ROLLGATE_NO_DATA' },
      {
        message: 'LoadUnreachableError: unreachable: http://127.0.0.1:9/',
        code: 'ROLLGATE_LOAD_UNREACHABLE',
      },
    ]);
  });

  it('restores the watcher it replaced', () => {
    const outer: ObservationError[] = [];
    const inner: ObservationError[] = [];
    const stopOuter = watchObservationErrors((e) => outer.push(e));
    const stopInner = watchObservationErrors((e) => inner.push(e));
    new ObservationError('a');
    stopInner();
    new ObservationError('b');
    stopOuter();
    expect([inner.map((e) => e.message), outer.map((e) => e.message)]).toEqual([['a'], ['b']]);
  });

  it('parses the attachment with the schema: anything else is no codes, never trusted', () => {
    const good = [{ message: 'ObservationError: x', code: 'ROLLGATE_NO_DATA' }];
    expect(readErrorCodes(Buffer.from(JSON.stringify(good)))).toEqual(good);
    expect(readErrorCodes(Buffer.from('{"message":'))).toEqual([]);
    expect(readErrorCodes(Buffer.from(JSON.stringify([{ message: 'x', code: 7 }])))).toEqual([]);
    expect(readErrorCodes(undefined)).toEqual([]);
  });
});

describe('raw results carry the check id and error codes as fields', () => {
  it('a raw test without its id does not parse, naming the field', () => {
    const { id: _, ...withoutId } = makeRawTest();
    const raw = { runner: 'vitest', tests: [withoutId], moduleErrors: [], runErrors: [] };
    expect(rawResultsProblems(raw)).toEqual([
      'tests.0.id: Invalid input: expected string, received undefined',
    ]);
    const coded = makeRawTest({ state: 'failed', errors: [{ message: 'x', code: 'ROLLGATE_HTTP' }] });
    expect(rawResultsProblems({ ...raw, tests: [coded] })).toEqual([]);
  });
});
