import { describe, expect, test } from 'vitest';
import { check, readVerdict, rollgate, tempReports } from '../e2e/helpers.ts';

const RUNBOOK = 'test/fixtures/runbooks/security.runbook.ts';
const IDS = [
  'security/headers',
  'security/session-cookie',
  'security/cors',
  'security/rate-limit',
  'security/csrf',
];

async function gate(faults: string) {
  const reports = tempReports();
  const r = await rollgate(['gate', 'security', '--runbook', RUNBOOK], {
    ROLLGATE_REPORTS_DIR: reports,
    DEMO_FAULTS: faults,
  });
  return { r, v: readVerdict(reports) };
}

/** The security built-ins through a real gate against the embedded demo, both ways. */
describe('security built-ins in a gate', () => {
  test('the healthy demo PROMOTEs with every security check passed and measured', async () => {
    const { r, v } = await gate('');
    expect(r.exitCode, r.all).toBe(0);
    // Signed in once for the run (the target's form auth), then the built-ins in the stage's order.
    expect(v.checks.map((c) => [c.id, c.status])).toEqual(
      ['auth/sign-in', ...IDS].map((id) => [id, 'passed']),
    );
    expect(v.checks.filter((c) => IDS.includes(c.id)).every((c) => c.kind === 'builtin')).toBe(true);
    expect(check(v, 'security/rate-limit').measurements.map((m) => m.name)).toEqual([
      'requests sent',
      'first 429 at request',
      'Retry-After seconds',
    ]);
    expect(check(v, 'security/headers').evidence.map((e) => e.name)).toEqual([
      '/login response headers',
      '/api/version response headers',
      'not applicable',
    ]);
  });

  test('each demo fault HOLDs its own check, failed (not errored), with the rule in the message', async () => {
    const { r, v } = await gate('no-security-headers,cors-reflect,no-rate-limit,no-csrf');
    expect(r.exitCode, r.all).toBe(1);
    expect(v.checks.map((c) => [c.id, c.status])).toEqual([
      ['auth/sign-in', 'passed'],
      ['security/headers', 'failed'],
      ['security/session-cookie', 'passed'],
      ['security/cors', 'failed'],
      ['security/rate-limit', 'failed'],
      ['security/csrf', 'failed'],
    ]);
    expect(check(v, 'security/headers').message).toContain(
      '/login X-Content-Type-Options: seen (absent); expected nosniff',
    );
    expect(check(v, 'security/cors').message).toContain('Access-Control-Allow-Origin: https://evil.example');
    expect(check(v, 'security/rate-limit').message).toContain(
      'first 429 at request: seen none in 12 requests',
    );
    expect(check(v, 'security/csrf').message).toContain(
      'without _csrf: seen 200; expected refused: 400, 403, 422',
    );
    // The password the checks log in with appears nowhere in what the gate printed.
    expect(r.all).not.toContain('demo-password');
    expect(JSON.stringify(v)).not.toContain('demo-password');
  });
});
