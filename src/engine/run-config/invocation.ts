import { createRequire } from 'node:module';
import path from 'node:path';
import type { Stage } from '../../model/runbook.ts';
import type { ShardSpec } from '../../model/shard.ts';
import {
  PLAYWRIGHT_SETTINGS_ENV,
  playwrightConfigPath,
  playwrightSettings,
  VITEST_SETTINGS_ENV,
  vitestConfigPath,
  vitestSettings,
} from './settings.ts';

const require = createRequire(import.meta.url);

/**
 * The runners' command lines, resolved from rollgate's own dependencies: the vitest and Playwright
 * that `rollgate/vitest` and `rollgate/playwright` import, whatever the project has on its PATH.
 */
export function runnerCli(kind: 'vitest' | 'playwright'): string {
  if (kind === 'vitest') return path.join(path.dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
  return path.join(path.dirname(require.resolve('@playwright/test/package.json')), 'cli.js');
}

/** The vitest arguments and environment that run (or list) a stage's suites with rollgate's configuration. */
export function vitestInvocation(root: string, stage: Stage) {
  return {
    args: ['--config', vitestConfigPath(), '--root', root],
    env: { [VITEST_SETTINGS_ENV]: JSON.stringify(vitestSettings(root, stage)) },
  };
}

/**
 * What one Playwright run of a stage is given: its output folder and reporter, and for a shard of
 * a sharded gate, which shard (Playwright's own `--shard i/n`) and where its blob report goes.
 */
export interface PlaywrightRun {
  outputDir: string;
  reporter?: string;
  shard?: ShardSpec;
  /** The blob report's folder (a shard's run): Playwright writes `report-<i>.zip` there. */
  blobDir?: string;
}

/** Playwright's arguments: rollgate's configuration, or the one the runbook names with rollgate's reporter and output. */
export function playwrightInvocation(root: string, stage: Stage, run: PlaywrightRun) {
  const own = stage.playwright?.config;
  const settings = playwrightSettings(root, stage, run);
  const args = ['--config', own ? path.resolve(root, own) : playwrightConfigPath()];
  const env: Record<string, string> = { [PLAYWRIGHT_SETTINGS_ENV]: JSON.stringify(settings) };
  if (own) {
    args.push(`--output=${run.outputDir}`, `--retries=${stage.retries}`);
    if (run.shard) args.push(`--shard=${run.shard.index}/${run.shard.total}`);
    // The blob reporter beside rollgate's; it reads its folder from the environment.
    if (run.reporter) args.push(`--reporter=${run.reporter}${run.blobDir ? ',blob' : ''}`);
  }
  if (run.blobDir) env.PLAYWRIGHT_BLOB_OUTPUT_DIR = run.blobDir;
  return { args, env };
}
