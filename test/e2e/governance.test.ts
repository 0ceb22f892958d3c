import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { applyWaivers } from '../../src/engine/steps/governance.ts';
import { fileStore } from '../../src/engine/store/file-store.ts';
import { check, readVerdict, rollgate, tempReports } from './helpers.ts';

const RUNBOOK = ['--runbook', 'test/fixtures/runbooks/policy.runbook.ts', '--release', '1.0.0'];

/** Waivers and deployment windows through the CLI, with a fixed clock. */
describe('waivers and windows', () => {
  test('a waiver turns a failing blocking check into waived until it expires, for its release only', async () => {
    const reports = tempReports();
    const env = { ROLLGATE_REPORTS_DIR: reports };
    // Without a waiver policy/fails fails and holds: test/e2e/policy.test.ts gates the same check.
    const bad = await rollgate(
      ['waive', 'fails', 'policy/fails', ...RUNBOOK, '--by', 'carol', '--expires', '2026-11-21'],
      env,
    );
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--reason');

    const waive = await rollgate(
      [
        'waive',
        'fails',
        'policy/fails',
        ...RUNBOOK,
        '--reason',
        'known 500 on a retired page',
        '--by',
        'carol',
        '--expires',
        '2026-11-21',
        '--now',
        '2026-11-20T10:00:00Z',
      ],
      env,
    );
    expect(waive.exitCode, waive.all).toBe(0);

    const during = await rollgate(['gate', 'fails', ...RUNBOOK, '--now', '2026-11-21T23:00:00Z'], env);
    expect(during.exitCode, during.all).toBe(0);
    const v = readVerdict(reports);
    const waived = check(v, 'policy/fails');
    expect(waived).toMatchObject({
      status: 'waived',
      waiver: { by: 'carol', reason: 'known 500 on a retired page', expires: '2026-11-21T23:59:59.999Z' },
    });

    // Where the gates after expiry and of another release were (each a HOLD): the waiver the command
    // stored is read for its release only, and no longer applies a moment after the day it expires
    // (applyWaivers on expiry: test/unit/governance.test.ts, 'waivers apply to failed checks of the
    // same id until they expire, never to errored ones').
    const store = fileStore(reports);
    const stored = await store.waivers('policy', 'fails', '1.0.0');
    expect(stored).toEqual([expect.objectContaining({ checkId: 'policy/fails', by: 'carol' })]);
    expect(await store.waivers('policy', 'fails', '1.0.1')).toEqual([]);
    const failing = { ...waived, status: 'failed' as const, waiver: undefined };
    expect(applyWaivers([failing], stored, new Date('2026-11-21T23:00:00Z'))[0]!.status).toBe('waived');
    expect(applyWaivers([failing], stored, new Date('2026-11-22T00:00:01Z'))[0]!.status).toBe('failed');
  });

  test('outside the window HOLDs; an override PROMOTEs and is recorded in verdict and ledger', async () => {
    const reports = tempReports();
    const env = { ROLLGATE_REPORTS_DIR: reports };
    // Sunday 2026-11-22 12:00 in New York: outside Tue-Thu 22:00-02:00.
    const outside = await rollgate(['gate', 'windowed', ...RUNBOOK, '--now', '2026-11-22T17:00:00Z'], env);
    expect(outside.exitCode, outside.all).toBe(1);
    expect(check(readVerdict(reports), 'window/deployment-window').message).toContain(
      'outside the deployment window: now Sun 12:00 EST',
    );

    // Inside the window (Wednesday 01:30 in New York, the window that opened on Tuesday) PROMOTEs:
    // test/unit/window.test.ts, 'across midnight: the window belongs to the day it opens'.

    const override = await rollgate(
      [
        'gate',
        'windowed',
        ...RUNBOOK,
        '--now',
        '2026-11-22T17:00:00Z',
        '--override-window',
        'hotfix for incident 4711',
      ],
      env,
    );
    expect(override.exitCode, override.all).toBe(0);
    const v = readVerdict(reports);
    expect(v.windowOverride).toBe('hotfix for incident 4711');
    expect(check(v, 'window/deployment-window').status).toBe('waived');
    const ledger = readFileSync(path.join(reports, 'ledger.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(ledger.at(-1)).toMatchObject({ verdict: 'promote', windowOverride: 'hotfix for incident 4711' });
    expect(ledger.map((e) => e.windowOverride)).toEqual([undefined, 'hotfix for incident 4711']);
  });
});
