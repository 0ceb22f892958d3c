import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { check, readVerdict, rollgate, tempReports } from './helpers.ts';

/**
 * One end-to-end gate per fault family, against the embedded demo, on the demo's staging stage: the
 * same built-ins, suites and golden paths as the canary, without its load, web vitals and baseline.
 */
describe('demo faults end to end', () => {
  // The healthy canary PROMOTE (verdict schema, every check passed, the load's requests counted by the
  // metric checks, ledger, JUnit, Allure, the offline HTML report) is gated once, as the production
  // stage's prerequisite: test/e2e/production.test.ts "HOLD with commands to sign; PROMOTE after
  // staging, canary (healthy, every report written) and both sign-offs".

  test('DEMO_FAULTS=server-errors HOLDs with failed (not errored) checks named with their messages', async () => {
    const reports = tempReports();
    const r = await rollgate(['gate', 'staging'], {
      ROLLGATE_REPORTS_DIR: reports,
      DEMO_FAULTS: 'server-errors',
    });
    expect(r.exitCode, r.all).toBe(1);
    expect(r.stdout).toMatch(/^HOLD demo\/staging/m);
    const v = readVerdict(reports);
    expect(v.verdict).toBe('hold');
    for (const id of [
      'probes/health-simple',
      'probes/health-deep',
      'golden/login',
      'security/csrf',
      'security/session-cookie',
    ]) {
      expect(check(v, id).status).toBe('failed');
      expect(check(v, id).message).toMatch(/500/);
      expect(r.stdout).toContain(`${id} failed`);
    }
    // The one sign-in reports a login page answering 500 as errored (it could not sign in); every
    // check that observed the target says failed.
    expect(v.checks.filter((c) => c.status === 'errored').map((c) => c.id)).toEqual(['auth/sign-in']);
    // The canary's metric checks under this fault (its load never sent traffic: no load window,
    // errored, never a pass) are test/e2e/metrics-no-load.test.ts "a load whose login gets a 500
    // opens no window: every metric check of the demo canary is errored (no load window), never passed".
    // A failed golden path keeps its Playwright trace and screenshot as evidence.
    const evidence = check(v, 'golden/login').evidence;
    expect(evidence.map((e) => e.name)).toEqual(expect.arrayContaining(['trace', 'screenshot']));
    for (const e of evidence.filter((x) => x.path)) expect(existsSync(e.path!)).toBe(true);
  });

  // DEMO_FAULTS=wrong-version, a product failure like server-errors above, is gated end to end by
  // test/watch/watch-e2e.test.ts (a broken release) and judged at check level by test/demo/faults.test.ts.

  test('an unreachable --base-url HOLDs with errored checks saying the target is unreachable', async () => {
    const reports = tempReports();
    const r = await rollgate(['gate', 'staging', '--base-url', 'http://127.0.0.1:9', '--release', '1.0.0'], {
      ROLLGATE_REPORTS_DIR: reports,
    });
    expect(r.exitCode, r.all).toBe(1);
    expect(r.stdout).toMatch(/^HOLD demo\/staging/m);
    const v = readVerdict(reports);
    expect(v.target).toMatchObject({ baseURL: 'http://127.0.0.1:9', version: '1.0.0', embedded: false });
    expect(v.checks.filter((c) => c.status === 'failed')).toEqual([]);
    // Only static checks of local files can pass; everything that talks to the target is errored.
    expect(v.checks.filter((c) => c.status === 'passed').map((c) => c.id)).toEqual(['hygiene/secret-scan']);
    // Built-ins, vitest suites and golden paths alike.
    for (const id of [
      'probes/health-simple',
      'probes/version-matches',
      'probes/environment-label',
      'golden/login',
    ]) {
      expect(check(v, id).status).toBe('errored');
      expect(check(v, id).message).toMatch(/target unreachable/);
    }
  });
});
