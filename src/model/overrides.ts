import { z } from 'zod';
import { Budget } from './runbook.ts';

/** Playwright timeouts a single run may change from the command line. */
export const PlaywrightTimeouts = z.strictObject({
  testTimeout: z.number().int().positive().optional(),
  expectTimeout: z.number().int().positive().optional(),
  actionTimeout: z.number().int().positive().optional(),
  navigationTimeout: z.number().int().positive().optional(),
});
export type PlaywrightTimeouts = z.infer<typeof PlaywrightTimeouts>;

/** What one run changed from the runbook on the command line; recorded in its verdict. */
export const RunOverrides = z.strictObject({
  /** `--budget`: each replaces the stage's budget of that name (keeping its other fields) or adds one. */
  budgets: z.array(Budget).optional(),
  /** `--test-timeout`, `--expect-timeout`, `--action-timeout`, `--navigation-timeout`. */
  playwright: PlaywrightTimeouts.optional(),
});
export type RunOverrides = z.infer<typeof RunOverrides>;
