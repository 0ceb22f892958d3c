import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoServer } from '../../demo/server.ts';
import { telemetryInfo } from '../../demo/telemetry.ts';
import { writeSessionFiles } from '../../src/checks/auth/session-files.ts';
import { signIn } from '../../src/checks/auth/sign-in.ts';
import { loadProfileFile } from '../../src/checks/load/index.ts';
import type { CheckResult } from '../../src/model/check-result.ts';
import type { Runbook } from '../../src/model/runbook.ts';
import { declare, runChecks } from '../builtin/helpers.ts';
import { startTestDemo, tempDirs } from '../demo/helpers.ts';
import { readVerdict, rollgate, tempReports, check as verdictCheck } from '../e2e/helpers.ts';
import {
  expectCoverageComplete,
  expectSourcesRecorded,
  loadSeedRunbook,
  ROOT,
  runCoverage,
  signedOffButObservable,
} from './helpers.ts';

/**
 * The Eggshell production deployment plan as a runbook: it validates and records the plan item by
 * item with nothing missing; the faults the plan names (the database back on `:memory:`, telemetry
 * showing the wrong environment, pages failing WCAG AA) each fail their own checks while the
 * healthy stand-in passes the same checks; the staging stage promotes end to end.
 */

const RUNBOOK = 'runbooks/eggshell/eggshell.runbook.ts';
const DOCUMENT = '000_3f9fb2ac980ce73d.txt';
/** Every `- [ ]` and `- [x]` line of the plan, and the rows of its metric table. */
const CHECKBOXES = 45;
const METRIC_ROWS = 6;

const dirs = tempDirs();
let rb: Runbook;
/** Coverage lists every stage's suites (the runners, a few seconds each): started first, awaited by its test. */
let coverage: ReturnType<typeof runCoverage>;

beforeAll(async () => {
  coverage = runCoverage(RUNBOOK);
  coverage.catch(() => undefined);
  rb = await loadSeedRunbook(RUNBOOK);
});

afterAll(() => dirs.cleanup());

describe('the eggshell runbook', () => {
  it('validates, with every line of the plan recorded and encoded', () => {
    const items = expectSourcesRecorded(rb, DOCUMENT, CHECKBOXES);
    // Each metric row is two items: its target and its alert threshold.
    expect(items.filter((i) => i.kind === 'metric')).toHaveLength(METRIC_ROWS);
    expect(items.filter((i) => i.kind === 'threshold')).toHaveLength(METRIC_ROWS);
  });

  it('signs off nothing observable from outside', () => {
    expect(signedOffButObservable(rb.sources[0]!.items)).toEqual([]);
  });

  it('sizes the load for the 0.1% target with room for a machine that falls behind its rate', async () => {
    // The rule of three: 3,000 requests resolve 0.1%; the load sends half as many again.
    const needed = 3 / 0.001;
    const profile = await loadProfileFile(rb.stages.production!.load!.profile, ROOT);
    const sent = (ms: number) => (profile.arrivalRate! * ms) / 1000;
    const { slices, sliceMs } = rb.stages.canary!.load!.compare;
    expect(rb.stages.canary!.load!.profile).toBe(rb.stages.production!.load!.profile);
    expect(sent(slices * sliceMs)).toBeGreaterThanOrEqual(1.5 * needed);
    expect(sent(profile.duration)).toBeGreaterThanOrEqual(1.5 * needed);
  });

  it("encodes the plan's numbers on the stand-in", () => {
    const staging = rb.targets.staging!;
    expect(staging.embedded?.env.DATABASE_URL).toBe('file:{runDir}/data/paintbox.db?mode=wal');
    expect(staging.embedded?.env.DEMO_DATABASE_URL).toBe(staging.embedded?.env.DATABASE_URL);
    expect([staging.databaseUrlEnv, staging.requireWal]).toEqual(['DATABASE_URL', true]);
    expect(rb.targets.baseline!.embedded?.env.DATABASE_URL).toBe(
      'file:{runDir}/baseline/data/paintbox.db?mode=wal',
    );
    const canary = Object.fromEntries(rb.stages.canary!.metrics.map((m) => [m.name, [m.operator, m.value]]));
    expect(canary).toMatchObject({
      'error-ratio': ['<', 0.001],
      'memory-usage': ['<', 1.5 * 1024 ** 3],
      'cpu-usage': ['<', 0.7],
      'database-size': ['<', 1e9],
      'database-size-alert': ['<', 9e8],
      'db-query-latency': ['<', 100],
    });
    expect(rb.stages.canary!.load?.compare.errorRateDelta).toBe(0.001);
    expect(rb.budgets.find((b) => b.name === 'fcp')).toMatchObject({ operator: '<', value: 1800 });
    // Staging validated 4 h before the canary; the canary watched 4 h before production.
    expect(rb.stages.canary!.requires?.stages).toEqual([{ stage: 'staging', soak: 4 * 3_600_000 }]);
    expect(rb.stages.production!.requires?.watch).toEqual({ stage: 'canary-monitor', span: 4 * 3_600_000 });
    expect(rb.stages.production!.availability).toMatchObject({ maxFailures: 0 });
    // A day of a run a minute tolerating one failed run: 99.93%, the 99.9% uptime target.
    expect(rb.stages['production-monitor']!.watch).toMatchObject({ failureLimit: 1 });
    expect(rb.stages.dr!.drill).toMatchObject({ rto: 5 * 60_000, rpo: 3_600_000 });
  });
});

describe('faults the plan names, at check level', () => {
  /** What the stand-in's gate hands the app: its database URL, the integrations' credentials, the account. */
  const secrets = {
    SESSION_SECRET: 'eggshell-session-secret-for-tests',
    NEXTAUTH_SECRET: 'eggshell-nextauth-secret',
    SALESFORCE_USERNAME: 'eggshell-integration@example.com',
    SALESFORCE_PASSWORD: 'sf-password-for-tests',
    SALESFORCE_SECURITY_TOKEN: 'sf-token-for-tests',
    COMPANYCAM_API_KEY: 'cc-key-for-tests',
    REDIS_URL: 'redis-url-for-tests',
    SENTRY_DSN: 'sentry-dsn-for-tests',
    SMOKE_USER: 'demo',
    SMOKE_PASSWORD: 'demo-password',
  };
  type Fault = 'healthy' | 'memory-db' | 'telemetry-wrong-env' | 'a11y';
  const demos = new Map<Fault, { server: DemoServer; env: Record<string, string> }>();
  /** Where each demo's DATABASE_URL points. */
  const dbFiles = new Map<Fault, string>();

  /** The staging target as the runbook declares it (the built-ins of its staging stage). */
  const staging = (checks: string[]) => {
    const { embedded: _e, ...target } = rb.targets.staging!;
    return declare(target, { checks: checks as never });
  };
  const statuses = (r: Map<string, CheckResult>) =>
    Object.fromEntries([...r].map(([id, c]) => [id, c.status]));

  beforeAll(async () => {
    await Promise.all(
      (['healthy', 'memory-db', 'telemetry-wrong-env', 'a11y'] as const).map(async (fault) => {
        const dir = dirs.make();
        const file = path.join(dir, 'data', 'paintbox.db');
        dbFiles.set(fault, file);
        const databaseUrl = `file:${file}?mode=wal`;
        const server = await startTestDemo(dir, {
          databaseUrl,
          environment: 'staging',
          faults: fault === 'healthy' ? [] : [fault],
          telemetry: telemetryInfo(secrets),
        });
        demos.set(fault, { server, env: { ...secrets, DATABASE_URL: databaseUrl } });
      }),
    );
  });

  afterAll(async () => {
    await Promise.all([...demos.values()].map((d) => d.server.close()));
  });

  const probes = ['health', 'version', 'jwks', 'runtime-config'];
  const probing = (fault: Fault) => {
    const d = demos.get(fault)!;
    return runChecks(staging(probes), { baseURL: d.server.url, release: '1.2.3', env: d.env });
  };
  const accessibility = async (fault: Fault) => {
    const d = demos.get(fault)!;
    const target = staging(['accessibility']);
    const { session } = await signIn(d.server.url, target.target.auth!, { env: d.env });
    const sessionFile = writeSessionFiles(dirs.make(), session);
    return (await runChecks(target, { baseURL: d.server.url, env: d.env, sessionFile })).get('a11y/wcag-aa')!;
  };

  // WCAG AA on the healthy stand-in (the staging target's signed-in /estimates and /estimates/new)
  // is proven by the end-to-end staging gate below, which runs the same declaration: a11y/wcag-aa
  // passed with no violation on both pages. Here only the fault's browser run.
  it('the healthy stand-in passes the staging probes', async () => {
    const r = await probing('healthy');
    expect(statuses(r)).toEqual({
      'probes/health-simple': 'passed',
      'probes/health-deep': 'passed',
      'probes/health-telemetry': 'passed',
      'probes/version-matches': 'passed',
      'probes/jwks': 'passed',
      'hygiene/runtime-config': 'passed',
    });
    expect(r.get('hygiene/runtime-config')!.measurements.map((m) => [m.name, m.actual])).toEqual([
      ['missing-env-vars', 0],
      ['missing-secrets', 0],
      ['database-persistent', 'yes'],
      ['journal-mode', 'wal'],
    ]);
    expect(r.get('probes/health-telemetry')!.measurements.map((m) => [m.name, m.actual])).toEqual(
      expect.arrayContaining([
        ['json environment', 'staging'],
        ['json integrations.salesforce.status', 'ok'],
        ['json database.persistent', 'true'],
      ]),
    );
  });

  it('the database on :memory: (memory-db) fails persistence, and health and telemetry say so', async () => {
    const r = await probing('memory-db');
    expect(statuses(r)).toMatchObject({
      'probes/health-simple': 'passed',
      'probes/health-deep': 'failed',
      'probes/health-telemetry': 'failed',
      'hygiene/runtime-config': 'failed',
    });
    const file = dbFiles.get('memory-db')!;
    expect(existsSync(file)).toBe(false);
    expect(r.get('hygiene/runtime-config')!.message).toBe(
      `DATABASE_URL: ${file} does not exist: data would be lost on restart`,
    );
    expect(r.get('probes/health-deep')!.message).toContain('checks.database.journalMode');
    expect(r.get('probes/health-telemetry')!.message).toContain('database.persistent');
  });

  it('telemetry showing the wrong environment (telemetry-wrong-env) fails the telemetry probe only', async () => {
    const r = await probing('telemetry-wrong-env');
    expect(statuses(r)).toEqual({
      'probes/health-simple': 'passed',
      'probes/health-deep': 'passed',
      'probes/health-telemetry': 'failed',
      'probes/version-matches': 'passed',
      'probes/jwks': 'passed',
      'hygiene/runtime-config': 'passed',
    });
    expect(r.get('probes/health-telemetry')!.message).toMatch(/environment.*production/);
  });

  it('pages that break WCAG AA (a11y) fail the accessibility check, naming the rule', async () => {
    const a11y = await accessibility('a11y');
    expect(a11y.status).toBe('failed');
    expect(a11y.message).toContain('image-alt');
  });
});

describe('rollgate coverage', () => {
  it('finds every recorded item encoded: nothing missing', async () => {
    await expectCoverageComplete(rb, RUNBOOK, coverage);
  });
});

describe('end to end', () => {
  it('the staging stage PROMOTEs on the healthy stand-in', async () => {
    const reports = tempReports();
    const r = await rollgate(['gate', 'staging', '--runbook', RUNBOOK], { ROLLGATE_REPORTS_DIR: reports });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toMatch(/^PROMOTE eggshell\/staging release /m);
    const v = readVerdict(reports);
    expect(Object.fromEntries(v.checks.map((c) => [c.id, c.status]))).toEqual({
      'auth/sign-in': 'passed',
      'probes/health-simple': 'passed',
      'probes/health-deep': 'passed',
      'probes/health-telemetry': 'passed',
      'probes/version-matches': 'passed',
      'probes/jwks': 'passed',
      'hygiene/runtime-config': 'passed',
      'a11y/wcag-aa': 'passed',
      'telemetry/build-info': 'passed',
      'telemetry/integrations-accurate': 'passed',
      'golden/login': 'passed',
      'golden/bad-login': 'passed',
      'golden/create-estimate': 'passed',
      'eggshell/calculation-precision': 'passed',
      'metrics/db-query-latency': 'passed',
      'metrics/database-size': 'passed',
      'metrics/database-size-alert': 'passed',
      'metrics/memory-now': 'passed',
    });
    // The app ran on its Fly-style data path in the run's folder, in WAL, and said so.
    const runDir = path.dirname(path.join(reports, 'latest', 'verdict.json'));
    expect(existsSync(path.join(runDir, 'data', 'paintbox.db'))).toBe(true);
    expect(
      verdictCheck(v, 'hygiene/runtime-config').measurements.find((m) => m.name === 'journal-mode')?.actual,
    ).toBe('wal');
    expect(
      verdictCheck(v, 'eggshell/calculation-precision').measurements.find((m) => m.name === 'estimate-total')
        ?.actual,
    ).toBe('$999,989,999,000.31');
    // WCAG AA on the healthy stand-in, signed in, both declared pages judged, no violation.
    expect(verdictCheck(v, 'a11y/wcag-aa').measurements[0]).toMatchObject({
      name: 'a11y-violations',
      actual: 0,
      samples: 2,
    });
    expect(verdictCheck(v, 'probes/health-telemetry').measurements.map((m) => [m.name, m.actual])).toEqual(
      expect.arrayContaining([['json environment', 'staging']]),
    );
  });
});
