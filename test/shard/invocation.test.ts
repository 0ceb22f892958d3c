import { describe, expect, test } from 'vitest';
import { playwrightInvocation } from '../../src/engine/run-config/invocation.ts';
import { PLAYWRIGHT_SETTINGS_ENV, PlaywrightSettings } from '../../src/engine/run-config/settings.ts';
import { Stage } from '../../src/model/runbook.ts';

const settingsOf = (env: Record<string, string>) =>
  PlaywrightSettings.parse(JSON.parse(env[PLAYWRIGHT_SETTINGS_ENV]!));

describe("a shard's Playwright run: Playwright's own --shard and its blob report", () => {
  const own = Stage.parse({
    target: 't',
    smoke: { specs: ['smoke/a.spec.ts'] },
    playwright: { config: 'pw/own.config.ts' },
  });
  const ours = Stage.parse({ target: 't', smoke: { specs: ['smoke/a.spec.ts'] } });
  const shard = { index: 2, total: 3 };

  test("rollgate's configuration reads the shard and the blob folder from its settings", () => {
    const inv = playwrightInvocation('/app', ours, {
      outputDir: '/r/playwright',
      reporter: '/rg/reporter.js',
      shard,
      blobDir: '/r/blob',
    });
    expect(settingsOf(inv.env)).toMatchObject({ shard: { current: 2, total: 3 }, blobDir: '/r/blob' });
    expect(inv.env.PLAYWRIGHT_BLOB_OUTPUT_DIR).toBe('/r/blob');
    expect(inv.args.some((a) => a.startsWith('--shard'))).toBe(false);
  });

  test('a configuration of the user’s own gets --shard, the blob reporter beside rollgate’s, and the folder', () => {
    const inv = playwrightInvocation('/app', own, {
      outputDir: '/r/playwright',
      reporter: '/rg/reporter.js',
      shard,
      blobDir: '/r/blob',
    });
    expect(inv.args).toEqual(
      expect.arrayContaining(['--shard=2/3', '--reporter=/rg/reporter.js,blob', '--output=/r/playwright']),
    );
    expect(inv.env.PLAYWRIGHT_BLOB_OUTPUT_DIR).toBe('/r/blob');
  });

  test('listing a shard: --shard without a blob report; an unsharded run has neither', () => {
    const listing = playwrightInvocation('/app', own, { outputDir: '/tmp/list', shard });
    expect(listing.args).toContain('--shard=2/3');
    expect(listing.env.PLAYWRIGHT_BLOB_OUTPUT_DIR).toBeUndefined();
    const plain = playwrightInvocation('/app', ours, {
      outputDir: '/r/playwright',
      reporter: '/rg/reporter.js',
    });
    expect(settingsOf(plain.env).shard).toBeUndefined();
    expect(settingsOf(plain.env).blobDir).toBeUndefined();
    expect(plain.env.PLAYWRIGHT_BLOB_OUTPUT_DIR).toBeUndefined();
    const plainOwn = playwrightInvocation('/app', own, {
      outputDir: '/r/playwright',
      reporter: '/rg/reporter.js',
    });
    expect(plainOwn.args).toContain('--reporter=/rg/reporter.js');
    expect(plainOwn.args.some((a) => a.startsWith('--shard'))).toBe(false);
  });
});
