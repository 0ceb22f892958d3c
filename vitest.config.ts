import { defineConfig } from 'vitest/config';

/**
 * rollgate's own tests (`npm test`). Runbook suites are not tests of this repository: the engine
 * runs them against a target with its own run configuration (src/engine/run-config/).
 */
export default defineConfig({
  test: {
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
