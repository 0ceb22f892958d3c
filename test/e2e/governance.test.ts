import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { check, readVerdict, rollgate, tempReports } from './helpers.ts';

const RUNBOOK = ['--runbook', 'test/fixtures/runbooks/policy.runbook.ts', '--release', '1.0.0'];

/** Waivers and deployment windows through the CLI, with a fixed clock. */
describe('waivers and windows', () => {
  test('a waiver turns a failing blocking check into waived until it expires', async () => {
    const reports = tempReports();
    const env = { ROLLGATE_REPORTS_DIR: reports };
    const before = await rollgate(['gate', 'fails', ...RUNBOOK, '--now', '2026-11-20T10:00:00Z'], env);
    expect(before.exitCode, before.all).toBe(1);

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
    expect(check(v, 'policy/fails')).toMatchObject({
      status: 'waived',
      waiver: { by: 'carol', reason: 'known 500 on a retired page', expires: '2026-11-21T23:59:59.999Z' },
    });

    const after = await rollgate(['gate', 'fails', ...RUNBOOK, '--now', '2026-11-22T00:00:01Z'], env);
    expect(after.exitCode, after.all).toBe(1);
    expect(check(readVerdict(reports), 'policy/fails').status).toBe('failed');

    const otherRelease = await rollgate(
      [
        'gate',
        'fails',
        '--runbook',
        'test/fixtures/runbooks/policy.runbook.ts',
        '--release',
        '1.0.1',
        '--now',
        '2026-11-21T23:00:00Z',
      ],
      env,
    );
    expect(otherRelease.exitCode, otherRelease.all).toBe(1);
  });

  test('outside the window HOLDs; inside PROMOTEs; an override is recorded in verdict and ledger', async () => {
    const reports = tempReports();
    const env = { ROLLGATE_REPORTS_DIR: reports };
    // Sunday 2026-11-22 12:00 in New York: outside Tue-Thu 22:00-02:00.
    const outside = await rollgate(['gate', 'windowed', ...RUNBOOK, '--now', '2026-11-22T17:00:00Z'], env);
    expect(outside.exitCode, outside.all).toBe(1);
    expect(check(readVerdict(reports), 'window/deployment-window').message).toContain(
      'outside the deployment window: now Sun 12:00 EST',
    );

    // Wednesday 01:30 in New York: inside the window that opened on Tuesday.
    const inside = await rollgate(['gate', 'windowed', ...RUNBOOK, '--now', '2026-11-25T06:30:00Z'], env);
    expect(inside.exitCode, inside.all).toBe(0);

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
    expect(ledger.slice(0, 2).map((e) => e.windowOverride)).toEqual([undefined, undefined]);
  });
});
