import { describe, expect, test } from 'vitest';
import { check, readVerdict, rollgate, tempReports } from './helpers.ts';

const RUNBOOK = 'test/fixtures/runbooks/policy.runbook.ts';

async function gate(stage: string, extra: string[] = []) {
  const reports = tempReports();
  const r = await rollgate(['gate', stage, '--runbook', RUNBOOK, '--release', '1.0.0', ...extra], {
    ROLLGATE_REPORTS_DIR: reports,
  });
  return { r, v: readVerdict(reports) };
}

/** The stage policy end to end, through real vitest runs of a fixture suite. */
describe('stage policy', () => {
  test('a check that passes only on retry is flaky, and flaky: hold HOLDs', async () => {
    const { r, v } = await gate('flaky-hold');
    expect(r.exitCode, r.all).toBe(1);
    expect(check(v, 'policy/flaky')).toMatchObject({ status: 'flaky', retries: 1 });
    expect(v.reasons).toEqual([expect.stringContaining('policy/flaky flaky')]);
  });

  test('flaky: promote lets the same flaky check PROMOTE; a fixed clock is recorded', async () => {
    const { r, v } = await gate('flaky-promote', ['--now', '2026-03-08T06:30:00Z']);
    expect(r.exitCode, r.all).toBe(0);
    expect(check(v, 'policy/flaky').status).toBe('flaky');
    expect(v.clock).toEqual({ fixed: true, now: '2026-03-08T06:30:00.000Z' });
    expect(v.startedAt).toBe('2026-03-08T06:30:00.000Z');
  });

  test('a skip declared not applicable with a reason passes; a bare skip HOLDs', async () => {
    const na = await gate('skip-na');
    expect(na.r.exitCode, na.r.all).toBe(0);
    expect(check(na.v, 'policy/skip-na')).toMatchObject({
      status: 'skipped',
      notApplicable: 'nothing to check on this target',
    });
    const bare = await gate('skip-bare');
    expect(bare.r.exitCode, bare.r.all).toBe(1);
    expect(check(bare.v, 'policy/skip-bare').status).toBe('skipped');
    expect(bare.v.reasons).toEqual([expect.stringContaining('policy/skip-bare skipped')]);
  });

  test('an advisory failure is reported but does not HOLD; measurements travel from the worker', async () => {
    const { r, v } = await gate('advisory');
    expect(r.exitCode, r.all).toBe(0);
    expect(check(v, 'policy/advisory-fails')).toMatchObject({ status: 'failed', blocking: false });
    expect(check(v, 'policy/advisory-companion').measurements).toEqual([
      { name: 'answer', actual: 42, operator: '==', expected: 42, samples: 1, passed: true, outcome: 'pass' },
    ]);
    expect(r.stdout).toContain('advisory: policy/advisory-fails failed');
  });

  test('an unexpected exception is errored, not failed', async () => {
    const { r, v } = await gate('crash');
    expect(r.exitCode, r.all).toBe(1);
    expect(check(v, 'policy/crash').status).toBe('errored');
    expect(check(v, 'policy/crash').message).toMatch(/TypeError|Cannot read/);
  });
});
