import { createRequire } from 'node:module';
import path from 'node:path';
import type { Stage } from '../../model/runbook.ts';
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

/** Playwright's arguments: rollgate's configuration, or the one the runbook names with rollgate's reporter and output. */
export function playwrightInvocation(
  root: string,
  stage: Stage,
  run: { outputDir: string; reporter?: string },
) {
  const own = stage.playwright?.config;
  const settings = playwrightSettings(root, stage, run);
  const args = ['--config', own ? path.resolve(root, own) : playwrightConfigPath()];
  if (own) {
    args.push(`--output=${run.outputDir}`, `--retries=${stage.retries}`);
    if (run.reporter) args.push(`--reporter=${run.reporter}`);
  }
  return { args, env: { [PLAYWRIGHT_SETTINGS_ENV]: JSON.stringify(settings) } };
}
