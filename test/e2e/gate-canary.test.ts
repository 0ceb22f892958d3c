import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { Verdict } from '../../src/model/verdict.ts';
import { check, readVerdict, rollgate, tempReports } from './helpers.ts';
import { expectReportShows } from './offline-page.ts';

/** One end-to-end gate per fault family, against the embedded demo. */
describe('gate canary end to end', () => {
  test('healthy demo PROMOTEs with every check passed and all reports written', async () => {
    const reports = tempReports();
    const r = await rollgate(['gate', 'canary'], { ROLLGATE_REPORTS_DIR: reports });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toMatch(/^PROMOTE demo\/canary/m);
    const v = readVerdict(reports);
    expect(Verdict.safeParse(v).success).toBe(true);
    expect(v.verdict).toBe('promote');
    expect(v.stage).toBe('canary');
    expect(v.checks.length).toBeGreaterThanOrEqual(5);
    expect(v.checks.filter((c) => c.status !== 'passed')).toEqual([]);
    expect(v.checks.some((c) => c.kind === 'playwright')).toBe(true);
    expect(check(v, 'probes/version-matches').measurements[0]).toMatchObject({
      name: 'version',
      actual: '0.1.0',
      passed: true,
    });
    // Real traffic on the embedded Prometheus: the 5xx ratio was judged on exactly the requests the
    // load step sent to the canary (the window runs from a scrape before its first request to one after its last).
    const counts = /warm-up included: (\d+) sent, (\d+) answered to the canary/.exec(
      check(v, 'load/canary').message ?? '',
    );
    expect(counts, check(v, 'load/canary').message).not.toBeNull();
    const [sent, answered] = [Number(counts![1]), Number(counts![2])];
    for (const id of ['metrics/error-ratio', 'metrics/error-ratio-vs-baseline']) {
      const m = check(v, id).measurements[0]!;
      // Every answered request, and at most those still in flight when the load stopped on top.
      expect(m.samples, `${id}: ${m.note ?? ''}`).toBeGreaterThanOrEqual(answered);
      expect(m.samples, `${id}: ${m.note ?? ''}`).toBeLessThanOrEqual(sent);
      expect(m.actual).toBe(0);
    }
    expect(check(v, 'metrics/p95-latency').measurements[0]).toMatchObject({ unit: 'ms', passed: true });
    expect(check(v, 'metrics/memory-stability').blocking).toBe(false);
    const chart = check(v, 'metrics/error-ratio').evidence.find((e) => e.name === 'metrics-error-ratio.svg');
    expect(chart?.contentType).toBe('image/svg+xml');
    const ledger = readFileSync(path.join(reports, 'ledger.jsonl'), 'utf8').trim().split('\n');
    expect(ledger).toHaveLength(1);
    expect(JSON.parse(ledger[0]!)).toMatchObject({
      runId: v.runId,
      stage: 'canary',
      verdict: 'promote',
      release: '0.1.0',
    });
    expect(readFileSync(path.join(reports, 'latest', 'junit.xml'), 'utf8')).toContain(
      `tests="${v.checks.length}" failures="0" errors="0"`,
    );
    const allure = readdirSync(path.join(reports, 'latest', 'allure-results')).filter((f) =>
      f.endsWith('-result.json'),
    );
    expect(allure).toHaveLength(v.checks.length);
    expect(existsSync(path.join(reports, 'runs', v.runId, 'verdict.json'))).toBe(true);
    // Traces are kept only on failure.
    expect(v.checks.flatMap((c) => c.evidence).filter((e) => e.name === 'trace')).toEqual([]);

    const report = await rollgate(['report'], { ROLLGATE_REPORTS_DIR: reports });
    expect(report.exitCode, report.all).toBe(0);
    const html = path.join(reports, 'html', 'index.html');
    expect(readdirSync(path.join(reports, 'html'))).toEqual(['index.html']);
    await expectReportShows(html, [
      v.runId,
      'demo / canary',
      'runbooks/probes.suite.ts',
      'probes › environment label matches the target',
    ]);
  });

  test('DEMO_FAULTS=server-errors HOLDs with failed (not errored) checks named with their messages', async () => {
    const reports = tempReports();
    const r = await rollgate(['gate', 'canary'], {
      ROLLGATE_REPORTS_DIR: reports,
      DEMO_FAULTS: 'server-errors',
    });
    expect(r.exitCode, r.all).toBe(1);
    expect(r.stdout).toMatch(/^HOLD demo\/canary/m);
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
    // The metric checks judge the load's window, and the load never sent traffic (its login got a 500):
    // no data, errored, never a pass.
    expect(v.checks.filter((c) => c.status === 'errored').map((c) => c.id)).toEqual([
      'auth/sign-in',
      ...v.checks.filter((c) => c.kind === 'metrics').map((c) => c.id),
    ]);
    for (const c of v.checks.filter((x) => x.kind === 'metrics'))
      expect(c).toMatchObject({ code: 'ROLLGATE_NO_DATA', message: expect.stringMatching(/no load window/) });
    // A failed golden path keeps its Playwright trace and screenshot as evidence.
    const evidence = check(v, 'golden/login').evidence;
    expect(evidence.map((e) => e.name)).toEqual(expect.arrayContaining(['trace', 'screenshot']));
    for (const e of evidence.filter((x) => x.path)) expect(existsSync(e.path!)).toBe(true);
  });

  // DEMO_FAULTS=wrong-version, a product failure like server-errors above, is gated end to end by
  // test/watch/watch-e2e.test.ts (a broken release) and judged at check level by test/demo/faults.test.ts.

  test('an unreachable --base-url HOLDs with errored checks saying the target is unreachable', async () => {
    const reports = tempReports();
    const r = await rollgate(['gate', 'canary', '--base-url', 'http://127.0.0.1:9', '--release', '1.0.0'], {
      ROLLGATE_REPORTS_DIR: reports,
    });
    expect(r.exitCode, r.all).toBe(1);
    const v = readVerdict(reports);
    expect(v.target).toMatchObject({ baseURL: 'http://127.0.0.1:9', version: '1.0.0', embedded: false });
    expect(v.checks.filter((c) => c.status === 'failed')).toEqual([]);
    // Only static checks of local files can pass; everything that talks to the target is errored.
    expect(v.checks.filter((c) => c.status === 'passed').map((c) => c.id)).toEqual(['hygiene/secret-scan']);
    for (const id of ['probes/health-simple', 'probes/version-matches', 'golden/login']) {
      expect(check(v, id).status).toBe('errored');
      expect(check(v, id).message).toMatch(/target unreachable/);
    }
  });
});
