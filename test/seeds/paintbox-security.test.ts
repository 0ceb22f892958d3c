import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEAKY_DATABASE_PASSWORD } from '../../demo/effective-config.ts';
import { takeBackup } from '../../src/checks/backup/take-backup.ts';
import { decide } from '../../src/engine/policy.ts';
import { prepareDrill } from '../../src/engine/steps/drill.ts';
import { openStore } from '../../src/engine/store/open-store.ts';
import type { Store } from '../../src/engine/store/store.ts';
import type { CheckResult } from '../../src/model/check-result.ts';
import type { Runbook } from '../../src/model/runbook.ts';
import { declare, runChecks, runOne } from '../builtin/helpers.ts';
import { tempDirs } from '../demo/helpers.ts';
import { readVerdict, rollgate, tempReports, check as verdictCheck } from '../e2e/helpers.ts';
import {
  type DemoProcess,
  expectCoverageComplete,
  expectSourcesRecorded,
  loadSeedRunbook,
  ROOT,
  runCoverage,
  signedOffButObservable,
  startDemoProcess,
} from './helpers.ts';

/**
 * The Paintbox security and infrastructure plan as a runbook: it validates and records the plan
 * item by item; the faults the plan names (credentials in the config, no rate limiting, missing
 * security headers and CORS, no backups) each fail their own check on the stand-in while the
 * healthy stand-in passes the same checks; the phase-1 security stage promotes end to end.
 */

const RUNBOOK = 'runbooks/paintbox-security/paintbox-security.runbook.ts';
const DOCUMENT = '001_afebe8033565d671.txt';
/** Every `- [ ]` line of the plan. */
const CHECKBOXES = 66;

/**
 * Labels that name something always observable, signed off because the stand-in has nothing to
 * observe: their sign-offs say why (no WebSocket, no Redis; the notice is a message to people).
 */
const NOT_ON_STAND_IN = [
  'WebSocket latency under 50 ms',
  'Redis persistence, AOF and RDB',
  'Notice of the maintenance window',
];

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

describe('the paintbox-security runbook', () => {
  it('validates, with every line of the plan recorded', () => {
    expectSourcesRecorded(rb, DOCUMENT, CHECKBOXES);
  });

  it('signs off nothing observable from outside, save what the stand-in lacks', () => {
    const { items } = rb.sources[0]!;
    expect(signedOffButObservable(items, NOT_ON_STAND_IN)).toEqual([]);
    for (const label of NOT_ON_STAND_IN)
      expect(items.find((i) => i.label === label)?.signoff, label).toBeDefined();
  });

  it("encodes the plan's numbers on the stand-in", () => {
    const app = rb.targets.app!;
    expect(app.embedded?.env.DEMO_DATABASE_URL).toBe('file:{runDir}/data/paintbox.db?mode=wal');
    expect(app.requireWal).toBe(true);
    expect(app.configFiles).toContain('runbooks/paintbox-security/fly.stand-in.toml');
    expect(app.security?.rateLimit).toEqual({ path: '/api/rate-probe', limit: 100, windowSeconds: 60 });
    const drill = rb.stages.dr!.drill!;
    expect([drill.rpo, drill.rto]).toEqual([3_600_000, 1_800_000]);
    // 30 days kept: the oldest at least 29 days old, one backup a day (PAINTBOX_RETENTION_DAYS unset).
    expect(drill.retention).toEqual({ minCount: 29, minDays: 29 });
    const metrics = Object.fromEntries(
      rb.stages.performance!.metrics.map((m) => [m.name, [m.operator, m.value]]),
    );
    expect(metrics).toMatchObject({
      'p95-latency': ['<', 200],
      'error-ratio': ['<', 0.001],
      'cache-hit-ratio': ['>', 0.8],
      'db-connections-max': ['<=', 20],
      'memory-peak': ['<', 1024 ** 3],
      'cpu-cores': ['<', 4],
    });
    expect(rb.stages.performance!.budgets.find((b) => b.name === 'calculation-p95')).toMatchObject({
      operator: '<',
      value: 100,
    });
  });
});

describe('faults the plan names, at check level', () => {
  const smoke = { SMOKE_USER: 'demo', SMOKE_PASSWORD: 'demo-password' };
  /** What the vault hands the app at start-up (the gate generates them for the embedded stand-in). */
  const vault = {
    SESSION_SECRET: 'paintbox-session-secret-for-tests',
    SALESFORCE_USERNAME: 'paintbox-stand-in@example.invalid',
    SALESFORCE_PASSWORD: 'sf-password-for-tests',
    SALESFORCE_SECURITY_TOKEN: 'sf-token-for-tests',
    COMPANYCAM_API_KEY: 'cc-key-for-tests',
  };
  /** A demo started as a deployment starts it, writing its effective config into its own folder. */
  async function start(faults: string, withheld: readonly (keyof typeof vault)[] = []) {
    const dir = dirs.make();
    const secrets = Object.fromEntries(
      Object.entries(vault).filter(([k]) => !withheld.includes(k as keyof typeof vault)),
    );
    const databaseUrl = `file:${dir}/data/paintbox.db?mode=wal`;
    const demo = await startDemoProcess({
      DEMO_DATABASE_URL: databaseUrl,
      DEMO_CONFIG_FILE: path.join(dir, 'demo-config.toml'),
      DEMO_FAULTS: faults,
      DEMO_ENVIRONMENT: 'paintbox-stand-in',
      ...secrets,
    });
    return { demo, dir, env: { ...smoke, ...secrets, DEMO_DATABASE_URL: databaseUrl } };
  }
  let healthy: Awaited<ReturnType<typeof start>>;
  let faulty: Awaited<ReturnType<typeof start>>;
  const demos: DemoProcess[] = [];

  /** The app target as the security stage declares it, its config files in `dir` instead of the run's scratch folder. */
  function appIn(dir: string, checks = rb.stages.security!.checks) {
    const { embedded: _e, baseURL: _b, ...app } = rb.targets.app!;
    const configFiles = app.configFiles.map((f) => f.replace('{scratchDir}', dir));
    return declare({ ...app, configFiles }, { checks: [...checks] });
  }

  const statuses = (r: Map<string, CheckResult>) =>
    Object.fromEntries([...r].map(([id, c]) => [id, c.status]));

  beforeAll(async () => {
    [healthy, faulty] = await Promise.all([
      start(''),
      // The photo service's key never reached the app: the vault did not deliver it.
      start('leaky-config,no-rate-limit,no-security-headers,cors-reflect', ['COMPANYCAM_API_KEY']),
    ]);
    demos.push(healthy.demo, faulty.demo);
  });

  afterAll(async () => {
    await Promise.all(demos.map((d) => d.stop()));
  });

  it('the healthy stand-in passes every built-in of the security stage (TLS not applicable on loopback HTTP)', async () => {
    const r = await runChecks(appIn(healthy.dir), { baseURL: healthy.demo.url, env: healthy.env });
    expect(statuses(r)).toEqual({
      'hygiene/secret-scan': 'passed',
      'hygiene/runtime-config': 'passed',
      'probes/health-simple': 'passed',
      'probes/health-deep': 'passed',
      'probes/health-telemetry': 'passed',
      'security/headers': 'passed',
      'security/session-cookie': 'passed',
      'security/cors': 'passed',
      'security/rate-limit': 'passed',
      'security/csrf': 'passed',
      'security/tls': 'skipped',
    });
    // fly.stand-in.toml, the repository's deploy files and the effective config: all scanned, all clean.
    expect(r.get('hygiene/secret-scan')!.measurements[0]).toMatchObject({ actual: 0, samples: 4 });
    // The app reports the CRM and photo credentials it got at start-up, and its database as persistent WAL.
    expect(r.get('probes/health-telemetry')!.measurements.map((m) => [m.name, m.actual])).toEqual(
      expect.arrayContaining([
        ['json integrations.salesforce.status', 'ok'],
        ['json integrations.companycam.status', 'ok'],
        ['json database.journalMode', 'wal'],
      ]),
    );
    expect(r.get('hygiene/runtime-config')!.measurements.map((m) => [m.name, m.actual])).toEqual([
      ['missing-env-vars', 0],
      ['missing-secrets', 0],
      ['database-persistent', 'yes'],
      ['journal-mode', 'wal'],
    ]);
    // The demo throttles its probe route at 5 per 10 s: well within the plan's 100 a minute.
    expect(r.get('security/rate-limit')!.measurements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'first 429 at request', expected: 101, passed: true }),
      ]),
    );
    // HSTS stays required: over loopback HTTP it is not applicable, on HTTPS it must be sent.
    expect(r.get('security/headers')!.evidence.map((e) => e.name)).toContain('not applicable');
    expect(r.get('security/tls')!.notApplicable).toContain('plain HTTP on loopback');
  });

  it('credentials in the config, a secret not delivered, no rate limiting, no security headers and a reflected CORS origin each fail their check', async () => {
    const r = await runChecks(appIn(faulty.dir), { baseURL: faulty.demo.url, env: faulty.env });
    expect(statuses(r)).toEqual({
      'hygiene/secret-scan': 'failed',
      'hygiene/runtime-config': 'failed',
      'probes/health-simple': 'passed',
      'probes/health-deep': 'passed',
      'probes/health-telemetry': 'failed',
      'security/headers': 'failed',
      'security/session-cookie': 'passed',
      'security/cors': 'failed',
      'security/rate-limit': 'failed',
      'security/csrf': 'passed',
      'security/tls': 'skipped',
    });
    expect(r.get('hygiene/secret-scan')!.message).toMatch(
      /demo-config\.toml:\d+:\d+ rollgate\/url-credentials: found a password inside a postgres:\/\/ URL/,
    );
    expect(r.get('hygiene/runtime-config')!.message).toContain('COMPANYCAM_API_KEY');
    expect(r.get('probes/health-telemetry')!.message).toContain('integrations.companycam.status');
    expect(r.get('security/rate-limit')!.message).toContain(
      'first 429 at request: seen none in 202 requests',
    );
    expect(r.get('security/headers')!.message).toContain('/login Content-Security-Policy: seen (absent)');
    expect(r.get('security/cors')!.message).toContain('Access-Control-Allow-Origin: https://evil.example');
    expect(JSON.stringify([...r.values()])).not.toContain(LEAKY_DATABASE_PASSWORD);
  });

  it('a REDIS_URL with its password put back into fly.toml fails the secret scan, naming the line', async () => {
    const dir = dirs.make();
    const fly = path.join(dir, 'fly.toml');
    const clean = readFileSync(path.join(ROOT, 'runbooks/paintbox-security/fly.stand-in.toml'), 'utf8');
    const password = 'R3dis-Pa55-x9q';
    writeFileSync(
      fly,
      clean.replace('[env]\n', `[env]\n  REDIS_URL = "redis://default:${password}@redis.internal:6379"\n`),
    );
    const line =
      readFileSync(fly, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('REDIS_URL =')) + 1;
    const { embedded: _e, baseURL: _b, ...app } = rb.targets.app!;
    const scan = await runOne(declare({ ...app, configFiles: [fly] }, { checks: ['secret-scan'] }), {
      baseURL: healthy.demo.url,
    });
    expect(scan.status).toBe('failed');
    expect(scan.message).toContain(`fly.toml:${line}:`);
    expect(JSON.stringify(scan)).not.toContain(password);
  });
});

describe('no backups, at check level: the drill of the dr stage', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore(dirs.make(), {});
  });
  afterAll(async () => {
    await store?.close();
  });

  async function drill(backupDir: string, retention?: { minCount: number; minDays: number }) {
    const spec = { ...rb.stages.dr!.drill!, ...(retention ? { retention } : {}) };
    const run = await prepareDrill(spec, {
      root: ROOT,
      runId: 'paintbox-seed',
      env: { ROLLGATE_BACKUP_DIR: backupDir },
      now: new Date(),
      store,
    });
    await run.cleanup();
    const by = (id: string) => run.checks.find((c) => c.id === id);
    return { by, decision: decide(run.checks, { flaky: 'hold' }) };
  }

  it('an empty backup folder HOLDs the drill, saying no backup was found', async () => {
    const empty = dirs.make();
    const { by, decision } = await drill(empty);
    expect(by('drill/backup')).toMatchObject({
      status: 'failed',
      message: `no backup in ${empty} matching paintbox-* (partial and empty files do not count)`,
    });
    expect(decision.verdict).toBe('hold');
  });

  it("a fresh backup restores within the drill, but cannot show the plan's 30 days of history", async () => {
    const dir = dirs.make();
    const app = await startDemoProcess({ DEMO_DATABASE_URL: `file:${dir}/data/paintbox.db?mode=wal` });
    await app.stop();
    const backups = dirs.make();
    await takeBackup({
      databaseUrl: `sqlite:${dir}/data/paintbox.db`,
      dir: backups,
      name: 'paintbox',
      record: (r) => store.recordBackup(r),
    });
    const fresh = await drill(backups);
    expect(fresh.by('drill/backup')?.status).toBe('passed');
    expect(fresh.by('drill/backup-recorded')?.status).toBe('passed');
    expect(fresh.by('drill/verify-restore')?.status).toBe('passed');
    const hygiene = fresh.by('drill/backup-hygiene')!;
    expect(hygiene.status).toBe('failed');
    expect(hygiene.message).toContain('at least 29 days of history required');
    // Age within the RPO is observed and holds; only the history is missing.
    expect(hygiene.measurements.find((m) => m.name === 'backup-age')?.passed).toBe(true);
    expect(fresh.decision.verdict).toBe('hold');
    // What PAINTBOX_RETENTION_DAYS=0 declares for a stand-in: no history judged, the rest as before.
    const standIn = await drill(backups, { minCount: 1, minDays: 0 });
    expect(standIn.by('drill/backup-hygiene')?.status).toBe('passed');
  });
});

// Before the gate: the coverage run started in beforeAll overlaps the check-level tests, not the gate.
describe('the paintbox-security runbook, in rollgate coverage', () => {
  it('finds every item encoded: nothing missing', async () => {
    // The items with checks are automated: every check they name exists in its stage.
    await expectCoverageComplete(rb, RUNBOOK, coverage);
  });
});

describe('end to end', () => {
  it('the phase-1 security stage PROMOTEs on the healthy stand-in', async () => {
    const reports = tempReports();
    const r = await rollgate(['gate', 'security', '--runbook', RUNBOOK], { ROLLGATE_REPORTS_DIR: reports });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toMatch(/^PROMOTE paintbox-security\/security release /m);
    const v = readVerdict(reports);
    expect(Object.fromEntries(v.checks.map((c) => [c.id, c.status]))).toEqual({
      'auth/sign-in': 'passed',
      'hygiene/secret-scan': 'passed',
      'hygiene/runtime-config': 'passed',
      'probes/health-simple': 'passed',
      'probes/health-deep': 'passed',
      'probes/health-telemetry': 'passed',
      'security/headers': 'passed',
      'security/session-cookie': 'passed',
      'security/cors': 'passed',
      'security/rate-limit': 'passed',
      'security/csrf': 'passed',
      'security/tls': 'skipped',
      'api/input-validation': 'passed',
    });
    expect(verdictCheck(v, 'api/input-validation').measurements.map((m) => [m.name, m.actual])).toEqual([
      ['malformed-refused-400', 9],
      ['malformed-stored', 0],
    ]);
    // The app ran on its Fly-style data path in the run's folder, in WAL mode.
    const runDir = path.dirname(path.join(reports, 'latest', 'verdict.json'));
    expect(existsSync(path.join(runDir, 'data', 'paintbox.db'))).toBe(true);
    expect(
      verdictCheck(v, 'hygiene/runtime-config').measurements.find((m) => m.name === 'journal-mode')?.actual,
    ).toBe('wal');
  });
});
