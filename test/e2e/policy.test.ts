import { describe, expect, test } from 'vitest';
import { check, readVerdict, rollgate, tempReports } from './helpers.ts';

/**
 * The stage policy end to end, through one real vitest run of the policy fixture suite: every
 * outcome the policy judges in one gate. The policy on each outcome alone is test/unit/policy.test.ts:
 * "holds a flaky blocking check under flaky: 'hold' and promotes it under 'promote'" (the former
 * flaky: hold gate), 'accepts a skip only when it is declared not applicable with a reason' and
 * 'promotes when every blocking check is passed, waived or skipped as not applicable' (the former
 * skip-na PROMOTE), 'turns advisory failures into warnings, not reasons' (the former advisory PROMOTE).
 */
describe('stage policy', () => {
  test('one run: flaky under flaky: promote, a skip not applicable and a bare one, an advisory failure, a crash errored and a failure; a fixed clock is recorded', async () => {
    const reports = tempReports();
    const r = await rollgate(
      [
        'gate',
        'all',
        '--runbook',
        'test/fixtures/runbooks/policy-all.runbook.ts',
        '--release',
        '1.0.0',
        '--now',
        '2026-03-08T06:30:00Z',
      ],
      { ROLLGATE_REPORTS_DIR: reports },
    );
    expect(r.exitCode, r.all).toBe(1);
    const v = readVerdict(reports);
    expect(v.verdict).toBe('hold');
    // A check that passes only on retry is flaky; the stage's flaky: promote keeps it from holding.
    expect(check(v, 'policy/flaky')).toMatchObject({ status: 'flaky', retries: 1 });
    // A skip declared not applicable with a reason passes; a bare skip holds.
    expect(check(v, 'policy/skip-na')).toMatchObject({
      status: 'skipped',
      notApplicable: 'nothing to check on this target',
    });
    expect(check(v, 'policy/skip-bare').status).toBe('skipped');
    // An advisory failure is reported but does not hold; measurements travel from the worker.
    expect(check(v, 'policy/advisory-fails')).toMatchObject({ status: 'failed', blocking: false });
    expect(check(v, 'policy/advisory-companion').measurements).toEqual([
      { name: 'answer', actual: 42, operator: '==', expected: 42, samples: 1, passed: true, outcome: 'pass' },
    ]);
    expect(r.stdout).toContain('advisory: policy/advisory-fails failed');
    // An unexpected exception is errored, not failed; a broken rule is failed.
    expect(check(v, 'policy/crash').status).toBe('errored');
    expect(check(v, 'policy/crash').message).toMatch(/TypeError|Cannot read/);
    expect(check(v, 'policy/fails').status).toBe('failed');
    // Exactly these hold the stage: not the flaky check, the declared skip or the advisory failure.
    expect([...v.reasons].sort()).toEqual([
      expect.stringMatching(/^policy\/crash errored/),
      expect.stringMatching(/^policy\/fails failed/),
      expect.stringMatching(/^policy\/skip-bare skipped/),
    ]);
    expect(v.clock).toEqual({ fixed: true, now: '2026-03-08T06:30:00.000Z' });
    expect(v.startedAt).toBe('2026-03-08T06:30:00.000Z');
  });
});
