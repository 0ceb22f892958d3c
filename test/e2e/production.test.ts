import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { LedgerEntry } from '../../src/model/ledger-entry.ts';
import { Verdict } from '../../src/model/verdict.ts';
import { check, readVerdict, rollgate, tempReports } from './helpers.ts';
import { expectReportShows } from './offline-page.ts';

/**
 * The demo's production stage with its requirements and sign-offs but only a static check: the
 * production HOLDs on governance, each without a whole production gate. Same runbook name as the
 * demo, so it shares the demo's ledger and sign-offs; the last gate below is the demo's real stage.
 */
const GOVERNANCE = 'test/fixtures/runbooks/production-governance.runbook.ts';

/**
 * The demo canary's healthy PROMOTE, gated once for the whole suite (here, as the production
 * stage's prerequisite): every check passed, the load's traffic judged by the metric checks, and
 * every report written. `earlier` is the ledger's lines before this gate.
 */
async function expectHealthyCanary(reports: string, earlier: [stage: string, verdict: string][]) {
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
  // One line per gate, this one appended last.
  const ledger = readFileSync(path.join(reports, 'ledger.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => LedgerEntry.parse(JSON.parse(l)));
  expect(ledger.map((e) => [e.stage, e.verdict])).toEqual([...earlier, ['canary', 'promote']]);
  expect(ledger.at(-1)).toMatchObject({
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

  // The offline HTML report of the runs kept so far, opened down to one of the canary's checks.
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
}

/** The acceptance path for the demo runbook's production stage. */
describe('production needs earlier stages and sign-offs', () => {
  // Four real gates in a row (two governance-only ones): the slowest test of the suite, hence its own timeout.
  test('HOLD with commands to sign; PROMOTE after staging, canary (healthy, every report written) and both sign-offs', {
    timeout: 400_000,
  }, async () => {
    const env = { ROLLGATE_REPORTS_DIR: tempReports() };
    const first = await rollgate(['gate', 'production', '--runbook', GOVERNANCE], env);
    expect(first.exitCode, first.all).toBe(1);
    expect(first.stdout).toContain('requires/staging failed: no PROMOTE of staging for release 0.1.0');
    expect(first.stdout).toContain('requires/canary failed: no PROMOTE of canary for release 0.1.0');
    // A runbook named on the command line is named again in the command to paste.
    expect(first.stdout).toContain(
      `npx rollgate sign production "Security team approval" --by <name> --release 0.1.0 --runbook ${GOVERNANCE}`,
    );
    expect(first.stdout).toContain(
      `npx rollgate sign production "Operations team approval" --by <name> --release 0.1.0 --runbook ${GOVERNANCE}`,
    );

    // One after the other: two gates with browsers at once on a two-core machine push the canary's
    // web vitals past their budget (INP 216 ms > 200 ms seen in CI), a HOLD the product is right to
    // give. Two gates appending to one ledger at once is store-commit.test.ts's.
    const staging = await rollgate(['gate', 'staging'], env);
    expect(staging.exitCode, staging.all).toBe(0);
    // The suite's one healthy canary gate (test/e2e/gate-canary.test.ts gates the canary's faults).
    await expectHealthyCanary(env.ROLLGATE_REPORTS_DIR, [
      ['production', 'hold'],
      ['staging', 'promote'],
    ]);

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
    const stillHeld = await rollgate(['gate', 'production', '--runbook', GOVERNANCE], env);
    expect(stillHeld.exitCode, stillHeld.all).toBe(1);
    expect(readVerdict(env.ROLLGATE_REPORTS_DIR).reasons).toEqual([
      expect.stringContaining('signoff/operations-team-approval failed'),
    ]);

    expect(
      (await rollgate(['sign', 'production', 'Operations team approval'], { ...env, GITHUB_ACTOR: 'ci-bot' }))
        .exitCode,
    ).toBe(0);
    // The demo runbook's own production stage, every check of it, end to end.
    const last = await rollgate(['gate', 'production'], env);
    expect(last.exitCode, last.all).toBe(0);
    const v = readVerdict(env.ROLLGATE_REPORTS_DIR);
    expect(v.signoffs.map((s) => [s.title, s.by, s.note])).toEqual([
      ['Security team approval', 'alice', 'pen test passed'],
      ['Operations team approval', 'ci-bot', undefined],
    ]);
    expect(check(v, 'requires/staging').status).toBe('passed');
    expect(check(v, 'requires/canary').status).toBe('passed');
    expect(v.checks.filter((c) => c.status !== 'passed')).toEqual([]);
    expect(v.checks.some((c) => c.kind === 'playwright')).toBe(true);
  });
});
