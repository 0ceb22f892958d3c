import { stripVTControlCharacters } from 'node:util';
import type { ObservationErrorCode } from '../../model/error-codes.ts';

/** The check observed the target and a rule was broken: status `failed`. */
export class CheckFailure extends Error {
  override name = 'CheckFailure';
}

/**
 * The checks layer's one coded error: the check could not observe the target (refused, timeout,
 * missing tool), status `errored`. It takes only listed codes (model/error-codes.ts); the code
 * travels to the verdict as a field of the check, never inside its message.
 */
export class ObservationError extends Error {
  override name = 'ObservationError';
  constructor(
    message: string,
    readonly code: ObservationErrorCode = 'ROLLGATE_OBSERVATION_FAILED',
  ) {
    super(message);
    observed?.(this);
  }
}

let observed: ((error: ObservationError) => void) | undefined;

/**
 * Calls `listener` with every ObservationError made until the returned stop function is called.
 * Playwright hands a reporter only an error's text, so its `check` fixture uses this to carry the
 * codes of the errors its test failed with (see authoring/playwright.ts).
 */
export function watchObservationErrors(listener: (error: ObservationError) => void): () => void {
  const previous = observed;
  observed = listener;
  return () => {
    observed = previous;
  };
}

/** Name of the Playwright attachment that carries the codes of a test's errors. */
export const ERROR_CODES_KEY = 'rollgate-error-codes';
export const ERROR_CODES_CONTENT_TYPE = 'application/vnd.rollgate.error-codes+json';

/**
 * The code of each of a test's errors that one of the ObservationErrors `seen` made, keyed by the
 * text Playwright gives the error (`name: message`), which is all its reporter gets.
 * @example codesOfErrors([{ message: 'ObservationError: no data' }], [noData]) // [{ message: 'ObservationError: no data', code: 'ROLLGATE_NO_DATA' }]
 */
export function codesOfErrors(
  errors: readonly { message?: string }[],
  seen: readonly ObservationError[],
): { message: string; code: ObservationErrorCode }[] {
  return errors.flatMap(({ message }) => {
    const made = seen.find((e) => message === `${e.name}: ${e.message}` || message === e.message);
    return message !== undefined && made ? [{ message, code: made.code }] : [];
  });
}

/** Error names that mean "a rule was broken". Anything else is an inability to observe. */
const FAILURE_NAMES = new Set(['AssertionError', 'CheckFailure', 'JestAssertionError']);

/**
 * Sorts an error seen by a runner into `failed` or `errored`. Fail closed: only errors that are
 * known to be assertions count as failures; unknown exceptions are errors of the harness or the
 * environment, never passes.
 */
export function classifyError(error: { name?: string; message?: string }): 'failed' | 'errored' {
  if (error.name && FAILURE_NAMES.has(error.name)) return 'failed';
  // Playwright's expect() errors carry no name through the reporter API, only their text: a custom
  // message comes first, then the matcher line `expect(received).toBe(expected)`.
  const lines = stripVTControlCharacters(error.message ?? '')
    .split('\n')
    .slice(0, 6);
  if (lines[0]?.startsWith('CheckFailure:')) return 'failed';
  return lines.some((l) => /^(Error: )?expect(\.soft|\.poll)?\(/.test(l.trim())) ? 'failed' : 'errored';
}

/** Browser network errors that mean the target could not be reached at all. */
const UNREACHABLE =
  /net::ERR_(CONNECTION_REFUSED|UNSAFE_PORT|NAME_NOT_RESOLVED|CONNECTION_RESET|CONNECTION_CLOSED|ADDRESS_UNREACHABLE|CONNECTION_TIMED_OUT|TIMED_OUT|EMPTY_RESPONSE)/;

/** Puts words a release manager reads first in front of a runner's error text. */
export function explainError(message: string): string {
  const m = UNREACHABLE.exec(message);
  if (m && !message.startsWith('target unreachable')) return `target unreachable (${m[0]}): ${message}`;
  return message;
}
