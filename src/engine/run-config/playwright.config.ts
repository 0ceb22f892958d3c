import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';
import { findChromium, NO_BROWSER_HELP } from '../../config/browser.ts';
import { PLAYWRIGHT_SETTINGS_ENV, PlaywrightSettings, readSettings } from './settings.ts';

/**
 * rollgate's Playwright run configuration: the stage's golden paths in the user's project root, the
 * engine's reporter and the run's evidence folder; the base URL comes from the stage's context.
 */
const s = readSettings(PlaywrightSettings, PLAYWRIGHT_SETTINGS_ENV);
const context = process.env.ROLLGATE_CONTEXT
  ? (JSON.parse(process.env.ROLLGATE_CONTEXT) as { baseURL: string })
  : undefined;
const browser = findChromium();
// Listing needs no browser; a run (which has a stage context) does.
if (!browser && context) throw new Error(NO_BROWSER_HELP);

const escapeRegExp = (p: string) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export default defineConfig({
  testDir: s.root,
  // Exactly the stage's spec files, whatever the project's own layout.
  testMatch: s.specs.map((f) => new RegExp(`^${escapeRegExp(path.resolve(s.root, f))}$`)),
  outputDir: s.outputDir,
  fullyParallel: true,
  workers: s.workers,
  retries: s.retries,
  timeout: s.testTimeout,
  expect: { timeout: s.expectTimeout },
  reporter: [
    ...(s.reporter ? [[s.reporter] as [string]] : [['list'] as [string]]),
    // A shard's blob report, merged with the other shards' by `rollgate merge`.
    ...(s.blobDir ? [['blob', { outputDir: s.blobDir }] as [string, unknown]] : []),
  ],
  shard: s.shard ?? null,
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: s.actionTimeout,
    navigationTimeout: s.navigationTimeout,
    ...s.use,
    baseURL: context?.baseURL,
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        ...s.use,
        launchOptions: browser?.executablePath ? { executablePath: browser.executablePath } : {},
      },
    },
  ],
});
