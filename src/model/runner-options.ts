import { z } from 'zod';

const ms = z.number().int().positive();

/**
 * How Playwright runs a stage's golden paths. rollgate brings the run configuration (test files,
 * reporter, output folder, the stage's base URL, the browser); what is yours to tune is here. Set it
 * on the runbook for every stage, and on a stage to override single fields.
 */
export const PlaywrightOptions = z.strictObject({
  /**
   * A Playwright config file of your own, relative to the project root, used instead of rollgate's.
   * rollgate still sets the test files, the reporter, the output folder and the base URL (through
   * `test` from `rollgate/playwright`). @example 'playwright.rollgate.config.ts'
   */
  config: z.string().min(1).optional(),
  /** Playwright `use` options (viewport, locale, extraHTTPHeaders, ignoreHTTPSErrors…), merged over rollgate's. @example { locale: 'de-DE' } */
  use: z.record(z.string(), z.unknown()).optional(),
  /** Time one golden path may take, in ms (Playwright `timeout`). Default 30000. */
  testTimeout: ms.optional(),
  /** Time one `expect` waits, in ms. Default 5000. */
  expectTimeout: ms.optional(),
  /** Time one action (click, fill) waits, in ms. Default 5000. */
  actionTimeout: ms.optional(),
  /** Time one navigation waits, in ms. Default 10000. */
  navigationTimeout: ms.optional(),
  /** Parallel browsers. Default 2. */
  workers: z.number().int().min(1).max(16).optional(),
});
export type PlaywrightOptions = z.infer<typeof PlaywrightOptions>;

/** How vitest runs a stage's suites; on the runbook for every stage, on a stage to override. */
export const VitestOptions = z.strictObject({
  /** Time one check may take, in ms. Default 30000. */
  testTimeout: ms.optional(),
  /** Time one `beforeAll`/`afterAll` hook may take, in ms. Default 30000. */
  hookTimeout: ms.optional(),
  /** Files run before each suite file, relative to the project root. @example ['rollgate/setup.ts'] */
  setupFiles: z.array(z.string().min(1)).optional(),
});
export type VitestOptions = z.infer<typeof VitestOptions>;

/** The stage's options over the runbook's, field by field (`use` merged one level deep). */
export function mergeRunnerOptions<T extends object>(runbook: T | undefined, stage: T | undefined): T {
  const merged: Record<string, unknown> = { ...runbook, ...stage };
  const use = (o: T | undefined) => (o as { use?: Record<string, unknown> } | undefined)?.use;
  if (use(runbook) || use(stage)) merged.use = { ...use(runbook), ...use(stage) };
  return merged as T;
}
