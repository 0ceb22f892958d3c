import { defineConfig } from 'vitest/config';

/**
 * Two projects kept apart: `harness` is rollgate's own tests (`npm test`); `runbooks` holds the
 * runbook suites, which only make sense when the engine runs them against a target.
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
      {
        test: {
          name: 'runbooks',
          // Runbook suites, and the harness's fixture suites that exercise the engine's policy.
          include: ['runbooks/**/*.suite.ts', 'test/fixtures/suites/**/*.suite.ts'],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
