import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { LEAKY_DATABASE_PASSWORD, renderEffectiveConfig } from '../../demo/effective-config.ts';
import { resolveFaults } from '../../demo/faults.ts';
import demoRunbook from '../../runbooks/demo.runbook.ts';
import { check, readVerdict, rollgate, tempReports } from '../e2e/helpers.ts';
import { locateSecret } from './secret-search.ts';

/** The runbook under test: the demo's own, whose preflight stage runs the hygiene built-ins. */
const RUNBOOK_ARGS: string[] = [];

/** The line of the effective config that carries the database URL. */
const URL_LINE =
  renderEffectiveConfig({ environment: 'demo', version: '0', faults: resolveFaults(['leaky-config']) })
    .split('\n')
    .findIndex((l) => l.startsWith('DATABASE_URL')) + 1;

describe('gate preflight with the hygiene built-ins', () => {
  test('the demo runbook gates preflight on the secret scan and the runtime configuration', () => {
    expect(demoRunbook.stages.preflight?.checks).toEqual(['secret-scan', 'runtime-config']);
  });

  // A healthy demo's preflight (deploy files and effective config clean) is proven at check level by
  // test/hygiene/leaky-config.test.ts, 'a healthy demo writes references only, and the repository
  // deploy files are clean' (every declared source scanned, none with a finding); both hygiene
  // built-ins pass end to end in the suite's healthy demo canary PROMOTE (the canary runs every
  // built-in, secret-scan and runtime-config included, and every check must pass): test/e2e/production.test.ts,
  // 'HOLD with commands to sign; PROMOTE after staging, canary (healthy, every report written) and
  // both sign-offs' (formerly test/e2e/gate-canary.test.ts's 'healthy demo PROMOTEs…').

  test('DEMO_FAULTS=leaky-config HOLDs naming file, line and rule, and the password is nowhere in output or reports', async () => {
    const reports = tempReports();
    const r = await rollgate(['gate', 'preflight', ...RUNBOOK_ARGS], {
      ROLLGATE_REPORTS_DIR: reports,
      DEMO_FAULTS: 'leaky-config',
    });
    expect(r.exitCode, r.all).toBe(1);
    expect(r.stdout).toMatch(/^HOLD demo\/preflight/m);

    const named = /(\S+):(\d+):\d+ (\S+): found a password inside a postgres:\/\/ URL/.exec(r.stdout);
    expect(named, r.stdout).not.toBeNull();
    const [, file, line, rule] = named!;
    expect(path.basename(file!)).toBe('demo-config.toml');
    expect(Number(line)).toBe(URL_LINE);
    expect(rule).toBe('rollgate/url-credentials');
    expect(r.stdout).toContain('DATABASE_URL = "postgres://app:***');
    // The demo removed its effective config when the gate stopped it.
    expect(existsSync(file!)).toBe(false);

    const v = readVerdict(reports);
    expect(v.verdict).toBe('hold');
    const scan = check(v, 'hygiene/secret-scan');
    expect(scan.status).toBe('failed');
    expect(scan.message).toContain(`${file}:${line}:`);
    expect(scan.measurements).toEqual([
      expect.objectContaining({ name: 'secret-findings', actual: 1, passed: false }),
    ]);
    // The masked findings went into the evidence, so the search below has them to look through.
    const evidence = scan.evidence.find((e) => e.name === 'secret-scan.json');
    expect(evidence?.body, JSON.stringify(scan.evidence)).toContain('postgres://app:***');

    // Nowhere: stdout, stderr, and every file under the reports folder, traces unzipped and
    // base64 decoded.
    expect(r.stdout).not.toContain(LEAKY_DATABASE_PASSWORD);
    expect(r.stderr).not.toContain(LEAKY_DATABASE_PASSWORD);
    expect(locateSecret(reports, LEAKY_DATABASE_PASSWORD)).toEqual([]);
    expect(
      locateSecret(reports, 'postgres://app:***').length,
      'the search reads the reports',
    ).toBeGreaterThan(1);
  });
});
