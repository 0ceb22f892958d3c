import { defineConfig } from 'vitest/config';
import { readSettings, VITEST_SETTINGS_ENV, VitestSettings } from './settings.ts';

/**
 * rollgate's vitest run configuration: the stage's suites in the user's project root, whatever
 * config files that project has. Reporter, retries and filters come on the command line.
 */
const s = readSettings(VitestSettings, VITEST_SETTINGS_ENV);

export default defineConfig({
  root: s.root,
  test: {
    include: s.include,
    testTimeout: s.testTimeout,
    hookTimeout: s.hookTimeout,
    setupFiles: s.setupFiles,
    passWithNoTests: false,
  },
});
