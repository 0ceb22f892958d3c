import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { readVerdict, rollgate, tempReports } from './helpers.ts';

/** Runs that must not start (exit 2, nothing executed) and stages that must not promote on nothing. */
describe('gate refuses to start or to promote on nothing', () => {
  test('an invalid runbook exits 2 naming the file and the fields; nothing runs', async () => {
    const reports = tempReports();
    const r = await rollgate(['gate', 'canary', '--runbook', 'test/fixtures/runbooks/invalid.runbook.ts'], {
      ROLLGATE_REPORTS_DIR: reports,
    });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(
      'test/fixtures/runbooks/invalid.runbook.ts: stages.canary.target: names target "nowhere"',
    );
    expect(r.stderr).toContain('test/fixtures/runbooks/invalid.runbook.ts: stages.canary.retries:');
    expect(readdirSync(reports)).toEqual([]);
  });

  test('--base-url without --release exits 2', async () => {
    const reports = tempReports();
    const r = await rollgate(['gate', 'canary', '--base-url', 'http://127.0.0.1:9'], {
      ROLLGATE_REPORTS_DIR: reports,
    });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--release/);
    expect(readdirSync(reports)).toEqual([]);
    // A plan runs nothing: it describes the stage and says the gate will need a release.
    const plan = await rollgate(['plan', 'canary', '--base-url', 'http://127.0.0.1:9'], {
      ROLLGATE_REPORTS_DIR: reports,
    });
    expect(plan.exitCode, plan.all).toBe(0);
    expect(plan.stdout).toContain(
      'release (not given: a gate needs --release <version> or ROLLGATE_RELEASE)',
    );
  });

  test('an unknown stage and a missing runbook exit 2', async () => {
    const reports = tempReports();
    const a = await rollgate(['gate', 'nope'], { ROLLGATE_REPORTS_DIR: reports });
    expect(a.exitCode).toBe(2);
    expect(a.stderr).toContain('unknown stage "nope"');
    const b = await rollgate(['gate', 'canary', '--runbook', 'no/such.runbook.ts'], {
      ROLLGATE_REPORTS_DIR: reports,
    });
    expect(b.exitCode).toBe(2);
    expect(b.stderr).toContain('no/such.runbook.ts: runbook not found');
  });

  test('a stage whose filters match no test HOLDs with its suites errored', async () => {
    const reports = tempReports();
    const r = await rollgate(
      ['gate', 'canary', '--runbook', 'test/fixtures/runbooks/empty-filter.runbook.ts', '--release', '1.0.0'],
      {
        ROLLGATE_REPORTS_DIR: reports,
      },
    );
    expect(r.exitCode, r.all).toBe(1);
    const v = readVerdict(reports);
    expect(v.verdict).toBe('hold');
    expect(v.checks.map((c) => [c.id, c.status])).toEqual([
      ['suite:runbooks/probes.suite.ts', 'errored'],
      ['suite:smoke/golden-paths.spec.ts', 'errored'],
    ]);
    expect(v.checks[0]!.message).toContain('ran no test');
  });

  test('validate and plan run nothing and describe the stage', async () => {
    const reports = tempReports();
    const ok = await rollgate(['validate'], { ROLLGATE_REPORTS_DIR: reports });
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toContain('valid runbook "demo"');
    const bad = await rollgate(['validate', '--runbook', 'test/fixtures/runbooks/invalid.runbook.ts'], {
      ROLLGATE_REPORTS_DIR: reports,
    });
    expect(bad.exitCode).toBe(2);
    const plan = await rollgate(['plan', 'canary', '--json'], { ROLLGATE_REPORTS_DIR: reports });
    expect(plan.exitCode, plan.all).toBe(0);
    const p = JSON.parse(plan.stdout) as {
      checks: { id: string; blocking: boolean }[];
      target: { release: string };
    };
    expect(p.target.release).toBe('0.1.0');
    expect(p.checks.map((c) => c.id)).toContain('probes/version-matches');
    expect(p.checks.map((c) => c.id)).toContain('golden/login');
    expect(existsSync(path.join(reports, 'latest'))).toBe(false);
  });
});
