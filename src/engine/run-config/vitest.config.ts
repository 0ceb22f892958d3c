import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { readSettings, VITEST_SETTINGS_ENV, VitestSettings } from './settings.ts';

/**
 * rollgate's vitest run configuration: the stage's suites in the user's project root, whatever
 * config files that project has. Reporter, retries and filters come on the command line.
 */
const s = readSettings(VitestSettings, VITEST_SETTINGS_ENV);

/**
 * rollgate's own built JavaScript (`<package>/dist/`), loaded by Node as it is, as every package in
 * node_modules is. Installed, rollgate is there already; linked (`node_modules/rollgate` a symlink,
 * which vite follows) or run in its own checkout, vite would otherwise transform and evaluate all of
 * dist/ behind `rollgate/vitest` and `rollgate/checks`, once per suite file: seconds of CPU for
 * nothing, since it is plain ESM Node runs anyway.
 */
const ownDist = fileURLToPath(new URL('../../../dist/', import.meta.url)).replace(/\\/g, '/');
const escapeRegExp = (p: string) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export default defineConfig({
  root: s.root,
  test: {
    include: s.include,
    testTimeout: s.testTimeout,
    hookTimeout: s.hookTimeout,
    setupFiles: s.setupFiles,
    passWithNoTests: false,
    server: { deps: { external: [new RegExp(`^${escapeRegExp(ownDist)}`)] } },
  },
});
