import { expect, test } from 'rollgate/playwright';

const user = () => process.env.SMOKE_USER ?? 'demo';
const password = () => process.env.SMOKE_PASSWORD ?? '';

/** Golden paths: what a customer does in the first minute, in a real browser. */
test.describe('golden paths', () => {
  // These test the login form itself, so they start signed out even when the target declares auth.
  test.use({ signedIn: false });

  test('log in with the smoke user @canary [golden/login]', async ({ page, check }) => {
    const res = await page.goto('/login');
    expect(res?.status(), 'GET /login status').toBe(200);
    await page.locator('#username').fill(user());
    await page.locator('#password').fill(password());
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/estimates$/);
    await expect(page.getByRole('heading', { name: 'Estimates' })).toBeVisible();
    check.attach('page', 'text/plain', { body: page.url() });
  });

  test('a wrong password is refused @canary [golden/bad-login]', async ({ page }) => {
    const res = await page.goto('/login');
    expect(res?.status(), 'GET /login status').toBe(200);
    await page.locator('#username').fill(user());
    await page.locator('#password').fill('definitely-not-the-password');
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/login') && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    expect(answer.status(), 'POST /login status for a wrong password').toBe(401);
    await expect(page.getByRole('alert')).toContainText('Invalid username or password');
    const cookies = await page.context().cookies();
    expect(
      cookies.some((c) => c.name === 'demo_session'),
      'no session cookie after a refused login',
    ).toBe(false);
  });

  test('create an estimate and see it listed with its total @canary @mutates [golden/create-estimate]', async ({
    page,
    check,
  }) => {
    const res = await page.goto('/login');
    expect(res?.status(), 'GET /login status').toBe(200);
    await page.locator('#username').fill(user());
    await page.locator('#password').fill(password());
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/estimates$/);
    const title = `Smoke estimate ${check.context.runId} ${test.info().workerIndex}-${Date.now()}`;
    const row = page.getByTestId('estimate-row').filter({ hasText: title });
    try {
      const form = await page.goto('/estimates/new');
      expect(form?.status(), 'GET /estimates/new status').toBe(200);
      await page.locator('[name="title"]').fill(title);
      const rows = [
        ['Primer', '2', '12.50'],
        ['Paint, 5 l', '3', '41.25'],
      ];
      for (const [i, [d, q, p]] of rows.entries()) {
        await page.locator('[name="item_description"]').nth(i).fill(d!);
        await page.locator('[name="item_quantity"]').nth(i).fill(q!);
        await page.locator('[name="item_unit_price"]').nth(i).fill(p!);
      }
      await page.getByRole('button', { name: /create|save/i }).click();
      await expect(page).toHaveURL(/\/estimates$/);
      await expect(row).toHaveCount(1);
      // 2 × 12.50 + 3 × 41.25 = 148.75, computed by the app; read back what it shows.
      const shown = /\$[\d,]+\.\d{2}/.exec((await row.textContent()) ?? '')?.[0] ?? null;
      check.require({ name: 'estimate-total', operator: '==', expected: '$148.75' }, shown);
    } finally {
      // Undo what the check created, pass or fail, so smoke tests leave no records behind.
      await page.goto('/estimates').catch(() => undefined);
      if ((await row.count().catch(() => 0)) > 0) {
        await row.getByRole('button', { name: 'Delete' }).click();
        await expect(row).toHaveCount(0);
      }
    }
  });
});
