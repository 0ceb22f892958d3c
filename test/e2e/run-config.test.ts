import { rmSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { findChromium } from '../../src/config/browser.ts';
import { check, readVerdict, rollgate, tempReports } from './helpers.ts';

const RUNBOOK = 'test/fixtures/runbooks/run-config.runbook.ts';
const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

describe('the engine runs with its own run configuration and the options the runbook sets', () => {
  test('runbook options under stage options reach vitest (timeout, setup file) and Playwright (use, timeout)', {
    timeout: 120_000,
  }, async () => {
    const reports = tempReports();
    made.push(reports);
    const gate = await rollgate(['gate', 'options', '--runbook', RUNBOOK, '--release', '1'], {
      ROLLGATE_REPORTS_DIR: reports,
    });
    const verdict = readVerdict(reports);
    expect(check(verdict, 'options/run-config-the-stage-setup-file-ran-first').status, gate.all).toBe(
      'passed',
    );
    expect(check(verdict, 'options/runbook-and-stage-options-reach-the-browser').status, gate.all).toBe(
      'passed',
    );
    const slow = check(verdict, 'options/run-config-a-check-that-never-settles-meets-the-stage-testtimeout');
    expect(slow.status).toBe('errored');
    expect(slow.message).toContain('800ms');
    expect(gate.exitCode).toBe(1);
  });

  test('a Playwright config file the stage names runs the spec with its options and the stage base URL', {
    timeout: 120_000,
  }, async () => {
    const reports = tempReports();
    made.push(reports);
    const gate = await rollgate(['gate', 'own-config', '--runbook', RUNBOOK, '--release', '1'], {
      ROLLGATE_REPORTS_DIR: reports,
      ROLLGATE_CHROMIUM: findChromium()?.executablePath ?? '',
    });
    const verdict = readVerdict(reports);
    expect(
      verdict.checks.map((c) => [c.id, c.status]),
      gate.all,
    ).toEqual([
      [
        'own-config/a-config-file-of-the-user-runs-the-golden-path-with-the-stage-target-as-base-url',
        'passed',
      ],
    ]);
    expect(gate.exitCode).toBe(0);
  });
});
