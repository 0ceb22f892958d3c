import { describe, expect, test } from 'vitest';
import { check, readVerdict, rollgate, tempReports } from './helpers.ts';

/** One end-to-end gate per security fault family; the full matrix runs at check level in test/checks. */
describe('security faults end to end', () => {
  // DEMO_FAULTS=no-security-headers no longer gets a whole canary gate of its own here. Each missing
  // header, named on every page, is test/checks/fault-matrix.test.ts "each fault fails with its own
  // reason > no-security-headers names every missing header on every page" (the probes against a
  // long-lived demo per fault); the gate HOLDing on it, security/headers failed (not errored) with the
  // header in its message, is test/checks/security-suite.test.ts "each demo fault HOLDs its own check,
  // failed (not errored), with the rule in the message" (the security built-ins' stage, embedded
  // demo); a failed built-in named in the verdict's reasons is the cors gate below.

  test('cors-reflect HOLDs; a waiver turns it into PROMOTE until the waiver expires', {
    timeout: 300_000,
  }, async () => {
    const env = { ROLLGATE_REPORTS_DIR: tempReports(), DEMO_FAULTS: 'cors-reflect' };
    // The security built-ins alone against the embedded demo (the canary runs them too): three gates, fast.
    const gate = ['gate', 'security', '--runbook', 'test/fixtures/runbooks/security.runbook.ts'];
    const held = await rollgate([...gate, '--now', '2026-11-20T12:00:00Z'], env);
    expect(held.exitCode, held.all).toBe(1);
    expect(readVerdict(env.ROLLGATE_REPORTS_DIR).reasons).toEqual([
      expect.stringMatching(/^security\/cors failed: .*Origin https:\/\/evil\.example/),
    ]);

    const waive = [
      'waive',
      'security',
      'security/cors',
      '--runbook',
      'test/fixtures/runbooks/security.runbook.ts',
      '--reason',
      'partner widget needs it until 2.0',
      '--by',
      'carol',
      '--expires',
      '2026-11-30',
    ];
    expect((await rollgate([...waive, '--now', '2026-11-20T12:00:00Z'], env)).exitCode).toBe(0);
    const waived = await rollgate([...gate, '--now', '2026-11-29T12:00:00Z'], env);
    expect(waived.exitCode, waived.all).toBe(0);
    expect(check(readVerdict(env.ROLLGATE_REPORTS_DIR), 'security/cors')).toMatchObject({
      status: 'waived',
      waiver: { by: 'carol' },
    });

    const expired = await rollgate([...gate, '--now', '2026-12-01T00:00:00Z'], env);
    expect(expired.exitCode, expired.all).toBe(1);
    expect(check(readVerdict(env.ROLLGATE_REPORTS_DIR), 'security/cors').status).toBe('failed');
  });
});
