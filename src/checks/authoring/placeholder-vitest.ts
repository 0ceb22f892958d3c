import { expect } from 'vitest';
import { placeholderError, requireHint } from './placeholder.ts';
import { type CheckOptions, check } from './vitest.ts';

/**
 * A runbook check not written yet. It always errors with ROLLGATE_PLACEHOLDER, saying what to
 * write and in which file, so the stage holds until the real check replaces it.
 * @example placeholder('health endpoint answers 200', 'GET your health endpoint and require 200')
 */
export function placeholder(title: string, hint: string, options: Pick<CheckOptions, 'id'> = {}): void {
  requireHint(hint);
  check(
    title,
    () => {
      throw placeholderError(expect.getState().testPath, hint);
    },
    options,
  );
}
