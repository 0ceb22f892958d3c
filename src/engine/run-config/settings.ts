import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Stage } from '../../model/runbook.ts';

/**
 * What rollgate's own run configurations (vitest.config and playwright.config in this folder) read
 * from the environment: the stage's files and the user's options. They run in the user's project
 * root and need none of its config files.
 */
export const VITEST_SETTINGS_ENV = 'ROLLGATE_VITEST_SETTINGS';
export const PLAYWRIGHT_SETTINGS_ENV = 'ROLLGATE_PW_SETTINGS';

export const VitestSettings = z.object({
  root: z.string(),
  include: z.array(z.string()),
  testTimeout: z.number(),
  hookTimeout: z.number(),
  setupFiles: z.array(z.string()),
});
export type VitestSettings = z.infer<typeof VitestSettings>;

export const PlaywrightSettings = z.object({
  root: z.string(),
  specs: z.array(z.string()),
  outputDir: z.string(),
  reporter: z.string().optional(),
  retries: z.number(),
  workers: z.number(),
  testTimeout: z.number(),
  expectTimeout: z.number(),
  actionTimeout: z.number(),
  navigationTimeout: z.number(),
  use: z.record(z.string(), z.unknown()),
  /** A shard of a sharded gate: Playwright runs only this part of the specs. */
  shard: z.object({ current: z.number().int(), total: z.number().int() }).optional(),
  /** Where the shard's blob report goes (for `playwright merge-reports`). */
  blobDir: z.string().optional(),
});
export type PlaywrightSettings = z.infer<typeof PlaywrightSettings>;

/** This folder's files in the form they run: `.ts` from a checkout's src/, `.js` from dist/. */
const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
export const vitestConfigPath = () => fileURLToPath(new URL(`./vitest.config${ext}`, import.meta.url));
export const playwrightConfigPath = () =>
  fileURLToPath(new URL(`./playwright.config${ext}`, import.meta.url));
export const reporterPath = (name: 'vitest-reporter' | 'playwright-reporter') =>
  fileURLToPath(new URL(`../../reporters/${name}${ext}`, import.meta.url));

export function vitestSettings(root: string, stage: Stage): VitestSettings {
  const o = stage.vitest ?? {};
  return {
    root,
    include: stage.suites,
    testTimeout: o.testTimeout ?? 30_000,
    hookTimeout: o.hookTimeout ?? 30_000,
    setupFiles: o.setupFiles ?? [],
  };
}

export function playwrightSettings(
  root: string,
  stage: Stage,
  run: { outputDir: string; reporter?: string; shard?: { index: number; total: number }; blobDir?: string },
): PlaywrightSettings {
  const o = stage.playwright ?? {};
  return {
    root,
    specs: stage.smoke?.specs ?? [],
    outputDir: run.outputDir,
    reporter: run.reporter,
    retries: stage.retries,
    workers: o.workers ?? 2,
    testTimeout: o.testTimeout ?? 30_000,
    expectTimeout: o.expectTimeout ?? 5_000,
    actionTimeout: o.actionTimeout ?? 5_000,
    navigationTimeout: o.navigationTimeout ?? 10_000,
    use: o.use ?? {},
    ...(run.shard ? { shard: { current: run.shard.index, total: run.shard.total } } : {}),
    ...(run.blobDir ? { blobDir: run.blobDir } : {}),
  };
}

/** Reads settings a run configuration was handed; a missing or bad value names the variable. */
export function readSettings<T>(schema: z.ZodType<T>, name: string, env = process.env): T {
  const raw = env[name];
  if (!raw)
    throw new Error(`${name} is not set: this configuration is rollgate's own, run by \`rollgate gate\``);
  const parsed = schema.safeParse(JSON.parse(raw));
  if (!parsed.success)
    throw new Error(
      `${name}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}
