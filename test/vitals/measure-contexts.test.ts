import { type Browser, chromium } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoServer } from '../../demo/server.ts';
import { measureVitals } from '../../src/checks/probes/web-vitals.ts';
import { findChromium, NO_BROWSER_HELP } from '../../src/config/browser.ts';
import { startTestDemo, tempDirs } from '../demo/helpers.ts';

const temps = tempDirs();
let demo: DemoServer;
let browser: Browser;

beforeAll(async () => {
  const found = findChromium();
  if (!found) throw new Error(NO_BROWSER_HELP);
  [demo, browser] = await Promise.all([
    startTestDemo(temps.make()),
    chromium.launch(found.executablePath ? { executablePath: found.executablePath } : {}),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
  temps.cleanup();
});

// Each run opens the next context while the last one closes: none may be left open, pass or fail.
describe("measureVitals closes every context it opens, while the caller's stays", () => {
  it('after runs that measured: every context it opened is closed, values from each run', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      const before = browser.contexts().length;
      const runs = await measureVitals(page, {
        url: `${demo.url}/login`,
        runs: 2,
        interact: (p) => p.locator('#username').click(),
      });
      expect(runs.map((r) => r.run)).toEqual([1, 2]);
      for (const r of runs)
        expect(Object.keys(r.values).sort()).toEqual(['cls', 'fcp', 'inp', 'lcp', 'ttfb']);
      expect(browser.contexts().length).toBe(before);
      expect(browser.contexts()).toContain(context);
      expect(page.isClosed()).toBe(false);
    } finally {
      await context.close();
    }
  });

  it('after a run that failed (signed out, redirected): its context is closed and the error is the run’s', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      const before = browser.contexts().length;
      await expect(measureVitals(page, { url: `${demo.url}/estimates`, runs: 3 })).rejects.toThrow(
        /GET \/estimates ended on \/login/,
      );
      expect(browser.contexts().length).toBe(before);
      expect(page.isClosed()).toBe(false);
    } finally {
      await context.close();
    }
  });
});
