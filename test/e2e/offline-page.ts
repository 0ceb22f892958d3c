import { pathToFileURL } from 'node:url';
import { chromium } from '@playwright/test';
import { expect } from 'vitest';
import { findChromium, NO_BROWSER_HELP } from '../../src/config/browser.ts';

/**
 * Opens a report from disk in real Chromium with the network blocked, waits for each text in turn
 * and clicks each one but the last (opening the tree down to a check).
 */
export async function expectReportShows(file: string, texts: string[]): Promise<void> {
  const browser = findChromium();
  if (!browser) throw new Error(NO_BROWSER_HELP);
  const instance = await chromium.launch({ executablePath: browser.executablePath });
  try {
    const context = await instance.newContext();
    const blocked: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:') || url.startsWith('blob:'))
        return route.continue();
      blocked.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    await page.goto(pathToFileURL(file).href);
    for (const [i, text] of texts.entries()) {
      const target = page.getByText(text, { exact: true }).first();
      await target.waitFor({ timeout: 30_000 });
      if (i < texts.length - 1) await target.click();
    }
    expect(blocked).toEqual([]);
  } finally {
    await instance.close();
  }
}
