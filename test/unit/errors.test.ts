import { describe, expect, it } from 'vitest';
import {
  CheckFailure,
  classifyError,
  explainError,
  ObservationError,
} from '../../src/checks/authoring/errors.ts';

/** Throws `fn`'s error and returns it, so the test classifies a real exception, not a hand-made shape. */
function caught(fn: () => void): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('did not throw');
}

describe('classifyError', () => {
  it('classifies a real vitest AssertionError as failed', () => {
    const e = caught(() => expect(1).toBe(2));
    expect(e.name).toBe('AssertionError');
    expect(classifyError(e)).toBe('failed');
  });

  it('classifies CheckFailure (by name and by message prefix) as failed', () => {
    expect(classifyError(new CheckFailure('p95 too high'))).toBe('failed');
    expect(classifyError({ message: 'CheckFailure: p95 too high' })).toBe('failed');
  });

  it('classifies a Playwright expect() message with ANSI colours and no name as failed', () => {
    const message =
      'Error: GET /login status\n\n\u001b[2mexpect(\u001b[22m\u001b[31mreceived\u001b[39m\u001b[2m).\u001b[22mtoBe\u001b[2m(\u001b[22m\u001b[32mexpected\u001b[39m\u001b[2m) // Object.is equality\u001b[22m\n\nExpected: 200\nReceived: 500';
    expect(classifyError({ message })).toBe('failed');
  });

  it('classifies a bare Playwright matcher line and expect.soft as failed', () => {
    expect(classifyError({ message: 'Error: expect(locator).toBeVisible() failed' })).toBe('failed');
    expect(classifyError({ message: 'expect.soft(received).toBe(expected)' })).toBe('failed');
  });

  it('classifies TypeError as errored', () => {
    const e = caught(() => (null as unknown as { x: () => void }).x());
    expect(e.name).toBe('TypeError');
    expect(classifyError(e)).toBe('errored');
  });

  it.each([
    ['connection refused', { name: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:4000' }],
    ['test timeout', { name: 'Error', message: 'Test timed out in 5000ms.' }],
    ['Playwright timeout', { message: 'Test timeout of 30000ms exceeded.' }],
    ['ObservationError', new ObservationError('no answer within 100 ms (timeout)')],
    ['no name, no message', {}],
  ])('classifies %s as errored', (_label, error) => {
    expect(classifyError(error)).toBe('errored');
  });

  it('does not take "expect(" deep in a stack or log as an assertion', () => {
    const message = ['Error: boom', 'a', 'b', 'c', 'd', 'e', 'expect(received).toBe(expected)'].join('\n');
    expect(classifyError({ message })).toBe('errored');
  });
});

describe('explainError', () => {
  it('prefixes browser network errors with "target unreachable"', () => {
    const msg = 'page.goto: net::ERR_CONNECTION_REFUSED at http://127.0.0.1:4000/login';
    expect(explainError(msg)).toBe(`target unreachable (net::ERR_CONNECTION_REFUSED): ${msg}`);
  });

  it.each(['net::ERR_NAME_NOT_RESOLVED', 'net::ERR_CONNECTION_RESET', 'net::ERR_EMPTY_RESPONSE'])(
    'recognises %s',
    (code) => {
      expect(explainError(`page.goto: ${code} at http://x/`)).toMatch(/^target unreachable \(/);
    },
  );

  it('leaves other messages and already explained ones alone', () => {
    expect(explainError('expected 200 to be 500')).toBe('expected 200 to be 500');
    const done = 'target unreachable (net::ERR_CONNECTION_REFUSED): page.goto: net::ERR_CONNECTION_REFUSED';
    expect(explainError(done)).toBe(done);
  });
});

describe('error classes', () => {
  it('ObservationError carries a code, defaulting to ROLLGATE_OBSERVATION_FAILED', () => {
    expect(new ObservationError('x').code).toBe('ROLLGATE_OBSERVATION_FAILED');
    expect(new ObservationError('x', 'ROLLGATE_TIMEOUT').code).toBe('ROLLGATE_TIMEOUT');
    expect(new ObservationError('x').name).toBe('ObservationError');
    expect(new CheckFailure('x').name).toBe('CheckFailure');
  });
});
