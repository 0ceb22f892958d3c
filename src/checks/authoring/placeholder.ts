import path from 'node:path';
import { ObservationError } from './errors.ts';

/**
 * Placeholder checks: the checks `rollgate init` writes before anyone has written the real ones.
 * This module holds what both forms share and imports no runner; the vitest form is in
 * placeholder-vitest.ts (`rollgate/vitest`), the Playwright form in placeholder-playwright.ts
 * (`rollgate/playwright`).
 */

/** The code of a placeholder's error: a check nobody has written yet. */
export const PLACEHOLDER_CODE = 'ROLLGATE_PLACEHOLDER';

/** `file` as the user reads it: relative to the project root (the runners' working directory). */
function shown(file: string | undefined): string {
  if (!file) return 'this suite';
  const rel = path.relative(process.cwd(), file);
  return (rel.startsWith('..') || path.isAbsolute(rel) ? file : rel).split(path.sep).join('/');
}

/**
 * The error a placeholder throws: what to write and where; its code (ROLLGATE_PLACEHOLDER) travels
 * beside the message. An error of observation (the check observed nothing): the check is `errored`
 * and the stage holds; it never passes and is never a product failure.
 */
export function placeholderError(file: string | undefined, hint: string): ObservationError {
  return new ObservationError(
    `placeholder: write this check in ${shown(file)}: ${hint.trim()}`,
    PLACEHOLDER_CODE,
  );
}

/** A placeholder without a hint could not tell anyone what to write: refused when it is declared. */
export function requireHint(hint: string): void {
  if (typeof hint !== 'string' || !hint.trim())
    throw new Error('placeholder(title, hint) needs a hint: what the real check should do');
}
