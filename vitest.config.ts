import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * rollgate's own tests (`npm test`). Runbook suites are not tests of this repository: the engine
 * runs them against a target with its own run configuration (src/engine/run-config/).
 */
export default defineConfig({
  test: {
    // Most test files wait on child processes (gates, Chromium, databases) rather than compute, so
    // two files run at once even on two cores (vitest's default there is one); more cores, more
    // files, up to four, which the loopback databases' connection limits comfortably hold.
    maxWorkers: Math.min(4, Math.max(2, availableParallelism())),
    projects: [
      {
        test: {
          name: 'harness',
          include: ['test/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
