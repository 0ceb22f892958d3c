import type { Page } from '@playwright/test';
import { expect, test } from 'rollgate/playwright';

const user = () => process.env.SMOKE_USER ?? 'demo';
const password = () => process.env.SMOKE_PASSWORD ?? '';

/** Signs in through the form, as a person does; lands on the orders list (the demo's estimates). */
async function signIn(page: Page): Promise<void> {
  const res = await page.goto('/login');
  expect(res?.status(), 'GET /login status').toBe(200);
  await page.locator('#username').fill(user());
  await page.locator('#password').fill(password());
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/estimates$/);
  await expect(page.getByRole('heading', { name: 'Estimates' })).toBeVisible();
}

/** Sends the browser's cookies from outside the browser, to ask the server what it thinks of them. */
async function asServerSees(page: Page, path: string): Promise<number> {
  const cookies = await page.context().cookies();
  const res = await fetch(new URL(path, page.url()), {
    headers: { cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; ') },
    redirect: 'manual',
  });
  return res.status;
}

/**
 * TERP's authentication smoke tests on the stand-in: each test signs in on its own (the run's
 * shared session must not be signed out under the other tests).
 */
test.describe('terp authentication', () => {
  test.use({ signedIn: false });

  test('a session survives a reload, another page and a new tab [terp/session-persists]', async ({
    page,
  }) => {
    await signIn(page);
    await page.reload();
    await expect(page, 'still signed in after a reload').toHaveURL(/\/estimates$/);
    const form = await page.goto('/estimates/new');
    expect(form?.status(), 'GET /estimates/new status').toBe(200);
    await expect(page, 'another page keeps the session').toHaveURL(/\/estimates\/new$/);
    const tab = await page.context().newPage();
    await tab.goto('/estimates');
    await expect(tab, 'a new tab shares the session').toHaveURL(/\/estimates$/);
    await expect(tab.getByRole('heading', { name: 'Estimates' })).toBeVisible();
    await tab.close();
    // Leave no session behind.
    await page.getByRole('button', { name: 'Sign out' }).click();
  });

  test('signing out ends the session on the server too [terp/logout]', async ({ page, check }) => {
    await signIn(page);
    expect(await asServerSees(page, '/api/estimates'), 'the session works before signing out').toBe(200);
    const before = await page.context().cookies();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/login$/);
    // Replay the cookies the browser had while signed in: the server must have ended the session.
    const replay = await fetch(new URL('/api/estimates', page.url()), {
      headers: { cookie: before.map((c) => `${c.name}=${c.value}`).join('; ') },
      redirect: 'manual',
    });
    check.require({ name: 'replayed-session-status', operator: '==', expected: 401 }, replay.status);
    // The orders page is no longer served: a redirect to the login page, or the maintenance page.
    const page_ = await asServerSees(page, '/estimates');
    expect([302, 303, 503], `GET /estimates after signing out answered ${page_}`).toContain(page_);
  });
});

test.describe('terp orders', () => {
  test('a new order is listed with the newest first, the API agreeing on its total @mutates [terp/recent-orders]', async ({
    page,
    check,
  }) => {
    const title = `TERP smoke order ${check.context.runId} ${test.info().workerIndex}-${Date.now()}`;
    const row = page.getByTestId('estimate-row').filter({ hasText: title });
    try {
      const form = await page.goto('/estimates/new');
      expect(form?.status(), 'GET /estimates/new status').toBe(200);
      await page.locator('[name="title"]').fill(title);
      await page.locator('[name="item_description"]').nth(0).fill('Batch 7, cases');
      await page.locator('[name="item_quantity"]').nth(0).fill('4');
      await page.locator('[name="item_unit_price"]').nth(0).fill('12.25');
      await page.getByRole('button', { name: /create|save/i }).click();
      await expect(page, 'the orders list after saving').toHaveURL(/\/estimates$/);
      await expect(row, 'the new order is listed').toHaveCount(1);
      check.require(
        { name: 'order-total-shown', operator: '==', expected: '$49.00' },
        (await row.getByTestId('estimate-total').textContent())?.trim() ?? null,
      );

      const api = await page.request.get('/api/estimates');
      expect(api.status(), 'GET /api/estimates status').toBe(200);
      const { estimates } = (await api.json()) as {
        estimates: { id: number; title: string; total: string; createdAt: string }[];
      };
      const mine = estimates.find((e) => e.title === title);
      expect(mine, 'the API lists the new order').toBeDefined();
      check.require({ name: 'order-total-api', operator: '==', expected: '$49.00' }, mine?.total ?? null);
      // Recent data first: every order listed before this one is newer than it.
      const ids = estimates.map((e) => e.id);
      const sorted = [...ids].sort((a, b) => b - a);
      check.require(
        { name: 'orders-newest-first', operator: '==', expected: 'yes' },
        ids.join() === sorted.join() ? 'yes' : 'no',
      );
    } finally {
      // Undo what the check created, pass or fail.
      await page.goto('/estimates').catch(() => undefined);
      if ((await row.count().catch(() => 0)) > 0) {
        await row.getByRole('button', { name: 'Delete' }).click();
        await expect(row).toHaveCount(0);
      }
    }
  });
});
