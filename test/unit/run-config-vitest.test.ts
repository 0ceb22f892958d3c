import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { VITEST_SETTINGS_ENV } from '../../src/engine/run-config/settings.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const at = (...p: string[]) => path.join(ROOT, ...p).replace(/\\/g, '/');

describe("rollgate's vitest run configuration", () => {
  let external: (string | RegExp)[];
  const saved = process.env[VITEST_SETTINGS_ENV];

  beforeAll(async () => {
    process.env[VITEST_SETTINGS_ENV] = JSON.stringify({
      root: '/app',
      include: ['suites/a.suite.ts'],
      testTimeout: 1_000,
      hookTimeout: 2_000,
      setupFiles: [],
    });
    const config = (await import('../../src/engine/run-config/vitest.config.ts')).default as {
      test: { server: { deps: { external: (string | RegExp)[] } } };
    };
    external = config.test.server.deps.external;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env[VITEST_SETTINGS_ENV];
    else process.env[VITEST_SETTINGS_ENV] = saved;
  });

  const isExternal = (file: string) =>
    external.some((e) => (e instanceof RegExp ? e.test(file) : file === e));

  // Linked or in its own checkout, rollgate's dist/ is not under node_modules: vite would transform
  // and evaluate all of it behind `rollgate/vitest` and `rollgate/checks`, for every suite file.
  test("rollgate's own dist/ is loaded by Node as it is, as from node_modules", () => {
    expect(isExternal(at('dist/entries/vitest.js'))).toBe(true);
    expect(isExternal(at('dist/entries/checks.js'))).toBe(true);
    expect(isExternal(at('dist/checks/authoring/vitest.js'))).toBe(true);
  });

  test("the project's own files, and rollgate's sources, are still vite's to transform", () => {
    expect(isExternal(at('runbooks/probes.suite.ts'))).toBe(false);
    expect(isExternal(at('src/entries/vitest.ts'))).toBe(false);
    expect(isExternal(`${at('dist')}-other/x.js`)).toBe(false);
    expect(isExternal('/app/dist/entries/vitest.js')).toBe(false);
  });
});
