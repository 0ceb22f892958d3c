import type { Browser, BrowserContextOptions, Page } from '@playwright/test';
import { expect, ObservationError, type PlaywrightCheckApi, test } from 'rollgate/playwright';

const user = () => process.env.SMOKE_USER ?? 'demo';
const password = () => process.env.SMOKE_PASSWORD ?? '';

/** A mid-range phone, as Lighthouse's mobile preset emulates one. */
const PHONE: BrowserContextOptions = {
  viewport: { width: 393, height: 851 },
  deviceScaleFactor: 2.75,
  isMobile: true,
  hasTouch: true,
  userAgent:
    'Mozilla/5.0 (Linux; Android 11; Pixel 5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36',
};
/** Lighthouse's mobile throttling: a 4× slower CPU, 150 ms round trips, 1.6 Mbit/s down, 750 kbit/s up. */
const CPU_SLOWDOWN = 4;
const NETWORK = {
  offline: false,
  latency: 150,
  downloadThroughput: (1.6 * 1024 * 1024) / 8,
  uploadThroughput: (750 * 1024) / 8,
};
/** TTI is the start of the first 5 s with no long task (Lighthouse's quiet window) after FCP. */
const QUIET_MS = 5000;
const RUNS = 3;
/**
 * The plan's "TTI < 2.5s on mobile". A constant of this spec, not a runbook budget: the stage's load
 * step judges every budget whose name it does not know as a load metric, and refuses `tti`.
 */
const TTI_BUDGET = { name: 'tti', operator: '<', expected: 2500, unit: 'ms' } as const;

/** Collects long tasks (over 50 ms on the main thread) from the first moment of the page. */
const OBSERVE_LONG_TASKS = `;(function () {
  window.__rollgateLongTasks = [];
  try {
    new PerformanceObserver(function (list) {
      list.getEntries().forEach(function (e) { window.__rollgateLongTasks.push(e.startTime + e.duration); });
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) { window.__rollgateLongTasks = null; }
})();`;

interface TtiRun {
  run: number;
  tti: number;
  fcp: number;
  domContentLoaded: number;
  longTasks: number;
}

/** One cold load on the throttled phone: TTI = max(FCP, DOMContentLoaded, end of the last long task). */
async function measureOnce(page: Page, url: string, run: number): Promise<TtiRun> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', NETWORK);
  await page.addInitScript({ content: OBSERVE_LONG_TASKS });
  const res = await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
  if (!res) throw new ObservationError(`GET ${url}: no response`);
  expect(res.status(), `GET ${url} status`).toBeLessThan(400);
  expect(new URL(page.url()).pathname, 'the page measured (signed out?)').toBe(new URL(url).pathname);
  const state = () => {
    const w = window as unknown as { __rollgateLongTasks: number[] | null };
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null;
    const tasks = w.__rollgateLongTasks;
    const lastTask = tasks?.length ? Math.max(...tasks) : 0;
    return {
      supported: tasks !== null,
      fcp,
      domContentLoaded: nav?.domContentLoadedEventEnd ?? null,
      lastTask,
      longTasks: tasks?.length ?? 0,
      now: performance.now(),
    };
  };
  // Wait in the page for the quiet window: no long task for QUIET_MS after FCP and DOMContentLoaded.
  await page.waitForFunction(
    (quiet) => {
      const w = window as unknown as { __rollgateLongTasks: number[] | null };
      const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime;
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      if (fcp === undefined || !nav || nav.domContentLoadedEventEnd === 0) return false;
      const tasks = w.__rollgateLongTasks ?? [];
      const last = Math.max(fcp, nav.domContentLoadedEventEnd, ...tasks);
      return performance.now() - last >= quiet;
    },
    QUIET_MS,
    { polling: 250, timeout: 30_000 },
  );
  const s = await page.evaluate(state);
  if (!s.supported)
    throw new ObservationError('this browser does not report long tasks: TTI cannot be measured');
  if (s.fcp === null || s.domContentLoaded === null)
    throw new ObservationError(`GET ${url}: no first contentful paint or DOMContentLoaded to measure from`);
  const tti = Math.round(Math.max(s.fcp, s.domContentLoaded, s.lastTask));
  return {
    run,
    tti,
    fcp: Math.round(s.fcp),
    domContentLoaded: Math.round(s.domContentLoaded),
    longTasks: s.longTasks,
  };
}

/** RUNS cold loads of `path`, each in a fresh phone context (with `storageState`'s cookies); the median judged. */
async function ttiOf(
  browser: Browser,
  check: PlaywrightCheckApi,
  path: string,
  storageState?: BrowserContextOptions['storageState'],
) {
  const url = new URL(path, check.context.baseURL).href;
  const runs: TtiRun[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const context = await browser.newContext({ ...PHONE, ...(storageState ? { storageState } : {}) });
    try {
      runs.push(await measureOnce(await context.newPage(), url, run));
    } finally {
      await context.close();
    }
  }
  check.attach(`tti ${path}`, 'application/json', { body: JSON.stringify(runs, null, 2) });
  const sorted = runs.map((r) => r.tti).sort((a, b) => a - b);
  check.require(
    { ...TTI_BUDGET, name: `tti ${path}`, minSamples: RUNS },
    sorted[Math.floor(sorted.length / 2)],
    runs.length,
  );
}

/**
 * Time to Interactive on a throttled phone (the plan's "TTI < 2.5s on mobile"), median of 3 cold
 * loads per golden-path page, judged against 2,500 ms. web-vitals no longer reports TTI,
 * so it is measured here as Lighthouse defines it, without its network-quiet condition.
 */
test.describe('time to interactive on mobile', () => {
  test.describe.configure({ timeout: 120_000 });
  test.use({ signedIn: false });

  test('login page interactive within the TTI budget on a phone @canary [tti/login]', async ({
    browser,
    check,
  }) => {
    await ttiOf(browser, check, '/login');
  });

  test('signed-in estimates page interactive within the TTI budget on a phone @canary [tti/estimates]', async ({
    browser,
    check,
  }) => {
    const context = await browser.newContext({ baseURL: check.context.baseURL });
    try {
      const page = await context.newPage();
      const res = await page.goto('/login');
      expect(res?.status(), 'GET /login status').toBe(200);
      await page.locator('#username').fill(user());
      await page.locator('#password').fill(password());
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page).toHaveURL(/\/estimates$/);
      await ttiOf(browser, check, '/estimates', await context.storageState());
    } finally {
      await context.close();
    }
  });
});
