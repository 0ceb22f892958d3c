import { defineConfig, devices } from '@playwright/test';
import { findChromium, NO_BROWSER_HELP } from './src/config/browser.ts';

/**
 * Golden paths live in smoke/. The engine runs them with ROLLGATE_CONTEXT (base URL of the stage's
 * target), ROLLGATE_PW_OUTPUT (evidence folder of the run) and its own reporter.
 */
const context = process.env.ROLLGATE_CONTEXT
  ? (JSON.parse(process.env.ROLLGATE_CONTEXT) as { baseURL: string })
  : undefined;
const browser = findChromium();
if (!browser && process.env.ROLLGATE_CONTEXT) throw new Error(NO_BROWSER_HELP);

export default defineConfig({
  // smoke/ holds the golden paths; test/fixtures/smoke/ the harness's own fixture specs, some of
  // which fail on purpose: they exist only when a harness test asks for them with
  // ROLLGATE_FIXTURE_SPECS=1 (test/e2e/secret-artifacts.test.ts), never in a plain `playwright test`.
  testDir: '.',
  testMatch: ['smoke/**/*.spec.ts', 'test/fixtures/smoke/**/*.spec.ts'],
  // Playwright reads each glob as `**/<glob>`, so smoke/** alone would match the fixtures too.
  testIgnore: process.env.ROLLGATE_FIXTURE_SPECS === '1' ? [] : ['test/fixtures/**'],
  outputDir: process.env.ROLLGATE_PW_OUTPUT ?? 'test-results',
  fullyParallel: true,
  workers: 2,
  retries: Number(process.env.ROLLGATE_RETRIES ?? 0),
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: process.env.ROLLGATE_PW_REPORTER ? [[process.env.ROLLGATE_PW_REPORTER]] : [['list']],
  use: {
    baseURL: context?.baseURL ?? process.env.ROLLGATE_BASE_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 5_000,
    navigationTimeout: 10_000,
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: browser?.executablePath ? { executablePath: browser.executablePath } : {},
      },
    },
  ],
});
