import type { TestInfo } from '@playwright/test';
import { placeholderError, requireHint } from './placeholder.ts';
import type { PlaywrightCheckApi } from './playwright.ts';

/**
 * The body of a golden path not written yet: `test('title', placeholder(hint))`. It always errors
 * with ROLLGATE_PLACEHOLDER, saying what to write and in which spec, so the stage holds until the
 * real path replaces it. The spec calls `test()` itself: Playwright places a test where `test()`
 * was called, and selects specs by that place.
 * @example test('sign up and see the dashboard [golden/sign-up]', placeholder('open /signup, fill the form, expect the dashboard'))
 */
export function placeholder(hint: string) {
  requireHint(hint);
  // The check fixture is requested so the record rides along as for every other golden path.
  return async ({ check }: { check: PlaywrightCheckApi }, testInfo: TestInfo): Promise<void> => {
    void check;
    throw placeholderError(testInfo.file, hint);
  };
}
