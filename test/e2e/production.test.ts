import { describe, expect, test } from 'vitest';
import { check, readVerdict, rollgate, tempReports } from './helpers.ts';

/** The acceptance path for the demo runbook's production stage. */
describe('production needs earlier stages and sign-offs', () => {
  // Five real gates in a row: the slowest test of the suite, hence its own timeout.
  test('HOLD with commands to sign; PROMOTE after staging, canary and both sign-offs', {
    timeout: 400_000,
  }, async () => {
    const env = { ROLLGATE_REPORTS_DIR: tempReports() };
    const first = await rollgate(['gate', 'production'], env);
    expect(first.exitCode, first.all).toBe(1);
    expect(first.stdout).toContain('requires/staging failed: no PROMOTE of staging for release 0.1.0');
    expect(first.stdout).toContain('requires/canary failed: no PROMOTE of canary for release 0.1.0');
    expect(first.stdout).toContain(
      'npx rollgate sign production "Security team approval" --by <name> --release 0.1.0',
    );
    expect(first.stdout).toContain(
      'npx rollgate sign production "Operations team approval" --by <name> --release 0.1.0',
    );

    // One after the other: two gates with browsers at once on a two-core machine push the canary's
    // web vitals past their budget (INP 216 ms > 200 ms seen in CI), a HOLD the product is right to
    // give. Two gates appending to one ledger at once is store-commit.test.ts's.
    for (const stage of ['staging', 'canary']) {
      const r = await rollgate(['gate', stage], env);
      expect(r.exitCode, r.all).toBe(0);
    }
    const unknown = await rollgate(['sign', 'production', 'Legal approval', '--by', 'dave'], env);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('declared: "Security team approval", "Operations team approval"');
    expect(
      (
        await rollgate(
          ['sign', 'production', 'Security team approval', '--by', 'alice', '--note', 'pen test passed'],
          env,
        )
      ).exitCode,
    ).toBe(0);
    // Another release's attestation does not count for this one.
    expect(
      (
        await rollgate(
          ['sign', 'production', 'Operations team approval', '--by', 'bob', '--release', '9.9.9'],
          env,
        )
      ).exitCode,
    ).toBe(0);
    const stillHeld = await rollgate(['gate', 'production'], env);
    expect(stillHeld.exitCode, stillHeld.all).toBe(1);
    expect(readVerdict(env.ROLLGATE_REPORTS_DIR).reasons).toEqual([
      expect.stringContaining('signoff/operations-team-approval failed'),
    ]);

    expect(
      (await rollgate(['sign', 'production', 'Operations team approval'], { ...env, GITHUB_ACTOR: 'ci-bot' }))
        .exitCode,
    ).toBe(0);
    const last = await rollgate(['gate', 'production'], env);
    expect(last.exitCode, last.all).toBe(0);
    const v = readVerdict(env.ROLLGATE_REPORTS_DIR);
    expect(v.signoffs.map((s) => [s.title, s.by, s.note])).toEqual([
      ['Security team approval', 'alice', 'pen test passed'],
      ['Operations team approval', 'ci-bot', undefined],
    ]);
    expect(check(v, 'requires/staging').status).toBe('passed');
  });
});
