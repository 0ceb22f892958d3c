import { expect, test } from 'rollgate/playwright';

const user = () => process.env.SMOKE_USER ?? 'demo';
const password = () => process.env.SMOKE_PASSWORD ?? '';

/**
 * The estimate engine's precision, in a real browser: an estimate whose total needs 15 significant
 * digits (the plan's fix from 10 to 15) is totalled to the cent. 99,999 × $9,999,999.99 plus
 * 3 × $0.10 is $999,989,999,000.31; a 10-digit engine shows $999,990,000,000.00, and binary
 * floating point loses the cents of sums like 0.10 + 0.20.
 */
test.describe('estimate calculations', () => {
  test.use({ signedIn: false });

  test('an estimate total keeps 15 significant digits, to the cent @mutates [eggshell/calculation-precision]', async ({
    page,
    check,
  }) => {
    const res = await page.goto('/login');
    expect(res?.status(), 'GET /login status').toBe(200);
    await page.locator('#username').fill(user());
    await page.locator('#password').fill(password());
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/estimates$/);
    const title = `Precision ${check.context.runId} ${test.info().workerIndex}-${Date.now()}`;
    const row = page.getByTestId('estimate-row').filter({ hasText: title });
    try {
      const form = await page.goto('/estimates/new');
      expect(form?.status(), 'GET /estimates/new status').toBe(200);
      await page.locator('[name="title"]').fill(title);
      const rows = [
        ['Whole-house repaint, 15 significant digits', '99999', '9999999.99'],
        ['Touch-up, cents that floating point loses', '3', '0.10'],
      ];
      for (const [i, [d, q, p]] of rows.entries()) {
        await page.locator('[name="item_description"]').nth(i).fill(d!);
        await page.locator('[name="item_quantity"]').nth(i).fill(q!);
        await page.locator('[name="item_unit_price"]').nth(i).fill(p!);
      }
      await page.getByRole('button', { name: /create|save/i }).click();
      await expect(page).toHaveURL(/\/estimates$/);
      await expect(row).toHaveCount(1);
      const shown = /\$[\d,]+\.\d{2}/.exec((await row.textContent()) ?? '')?.[0] ?? null;
      check.require({ name: 'estimate-total', operator: '==', expected: '$999,989,999,000.31' }, shown);
    } finally {
      // Leave no record behind, pass or fail.
      await page.goto('/estimates').catch(() => undefined);
      if ((await row.count().catch(() => 0)) > 0) {
        await row.getByRole('button', { name: 'Delete' }).click();
        await expect(row).toHaveCount(0);
      }
    }
  });
});
