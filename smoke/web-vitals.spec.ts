import type { Page } from '@playwright/test';
import {
  expect,
  measuredVitals,
  measureVitals,
  type PlaywrightCheckApi,
  requireVitals,
  test,
  type VitalsRun,
} from 'rollgate/playwright';

const user = () => process.env.SMOKE_USER ?? 'demo';
const password = () => process.env.SMOKE_PASSWORD ?? '';

/** Page loads per golden-path page; the stage's budgets judge the median of each metric. */
const RUNS = 3;

/** Loads `path` RUNS times, keeps every run as evidence, and judges the medians by the stage's budgets. */
async function vitalsOf(
  page: Page,
  check: PlaywrightCheckApi,
  path: string,
  interact: (p: Page) => Promise<void>,
) {
  const runs: VitalsRun[] = await measureVitals(page, {
    url: new URL(path, check.context.baseURL).href,
    runs: RUNS,
    interact,
  });
  check.attach(`web-vitals ${path}`, 'application/json', { body: JSON.stringify(runs, null, 2) });
  requireVitals(
    check,
    path,
    runs.map((r) => r.values),
    check.context.budgets,
    measuredVitals({ interact }),
  );
}

/**
 * Web vitals of the golden-path pages in a real browser (web-vitals from node_modules), each page
 * loaded RUNS times in fresh contexts, clicked once (INP), then left so LCP and CLS are final.
 */
test.describe('web vitals', () => {
  // A slow page is measured RUNS times over: room for that, so the budget, not the clock, judges it.
  test.describe.configure({ timeout: 60_000 });
  // The login page is measured as a signed-out visitor sees it; the estimates page signs in itself.
  test.use({ signedIn: false });

  test('login page paints within the web-vitals budgets @canary [web-vitals/login]', async ({
    page,
    check,
  }) => {
    await vitalsOf(page, check, '/login', (p) => p.locator('#username').click());
  });

  test('signed-in estimates page paints within the web-vitals budgets @canary [web-vitals/estimates]', async ({
    page,
    check,
  }) => {
    // Sign in once; every measured run carries this session's cookies into a fresh context.
    const res = await page.goto('/login', { waitUntil: 'domcontentloaded' });
    expect(res?.status(), 'GET /login status').toBe(200);
    await page.locator('#username').fill(user());
    await page.locator('#password').fill(password());
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/estimates$/);
    await vitalsOf(page, check, '/estimates', (p) => p.getByRole('heading', { name: 'Estimates' }).click());
  });
});
