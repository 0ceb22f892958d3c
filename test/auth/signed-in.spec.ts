import { expect, test } from '../../src/checks/authoring/playwright.ts';

// Run by test/auth/playwright.test.ts with a run's session (a form login): not a vitest file.
test('a golden path starts signed in from the storage state', async ({ page }) => {
  const res = await page.goto('/account');
  expect(res?.status(), 'GET /account, signed in').toBe(200);
  await expect(page.locator('#who')).toHaveText('Signed in as demo');
});

test.describe('a test of the login form', () => {
  test.use({ signedIn: false });

  test('starts signed out with signedIn: false', async ({ page, context }) => {
    await page.goto('/account');
    await expect(page).toHaveURL(/\/login$/);
    expect((await context.cookies()).map((c) => c.name)).not.toContain('sid');
  });
});
