import { stripVTControlCharacters } from 'node:util';

/** The check observed the target and a rule was broken: status `failed`. */
export class CheckFailure extends Error {
  override name = 'CheckFailure';
}

/** The check could not observe the target (refused, timeout, missing tool): status `errored`. */
export class ObservationError extends Error {
  override name = 'ObservationError';
  constructor(
    message: string,
    readonly code: string = 'ROLLGATE_OBSERVATION_FAILED',
  ) {
    super(message);
  }
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
