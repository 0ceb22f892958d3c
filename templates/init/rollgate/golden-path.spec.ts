import { placeholder, test } from 'rollgate/playwright';

/**
 * The golden path: what a customer does in the first minute, in a real Chromium, run by Playwright
 * inside a gate against the stage's baseURL. Replace the placeholder with the real path; it always
 * errors (ROLLGATE_PLACEHOLDER) and holds.
 *
 * The real code, for a page with a form (relative URLs go to the stage's baseURL):
 *
 *   import { expect, test } from 'rollgate/playwright';
 *
 *   test('sign up for the newsletter [golden/sign-up]', async ({ page, check }) => {
 *     const res = await page.goto('/');
 *     expect(res?.status(), 'GET / status').toBe(200);
 *     await page.getByLabel('Email').fill('smoke@example.com');
 *     await page.getByRole('button', { name: 'Sign up' }).click();
 *     await expect(page.getByRole('status')).toContainText('Thanks');
 *     check.attach('page', 'text/plain', { body: page.url() });
 *   });
 *
 * A path that creates records is tagged @mutates (it runs only where the target sets
 * allowMutations) and should undo what it created. The trailing `[id]` is the check's id.
 */

test(
  'the golden path works in a browser [golden/main]',
  placeholder(
    "open your app's main page, do what a customer does first (fill and submit its form) and expect the result",
  ),
);
