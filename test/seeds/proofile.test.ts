import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProfileFile } from '../../src/checks/load/index.ts';
import { runLoadCheck } from '../../src/engine/steps/load-stage.ts';
import type { CheckResult } from '../../src/model/check-result.ts';
import type { Runbook } from '../../src/model/runbook.ts';
import { PG_ADMIN_URL, pgQuery, uniqueName } from '../backup/servers.ts';
import { declare, runOne } from '../builtin/helpers.ts';
import { type CertPair, daysFromNow, leafCert, makeCa, serveTls } from '../builtin/tls-certs.ts';
import { check, readVerdict, rollgate, tempReports } from '../e2e/helpers.ts';
import {
  type DemoProcess,
  expectCoverageComplete,
  expectSourcesRecorded,
  loadSeedRunbook,
  ROOT,
  signedOffButObservable,
  startDemoProcess,
} from './helpers.ts';

/**
 * Proofile's sprint 7.5 production deployment plan as a runbook: it validates and records the plan
 * line by line, with nothing missing; the faults the plan names hold at check level while the
 * healthy stand-in passes the same checks (a 5% error rate at the canary, p95 over its 1 s WARN and
 * 3 s CRITICAL, memory growing more than 2% an hour, database connections leaking, a certificate
 * about to expire); the graduated stage (25%) promotes end to end on the stand-in.
 */

const RUNBOOK = 'runbooks/proofile/proofile.runbook.ts';
const DOCUMENT = '004_7a451f82c325f8b2.txt';
/** Every `- [ ]` line of the plan. */
const CHECKBOXES = 98;
const SMOKE_ENV = { SMOKE_USER: 'demo', SMOKE_PASSWORD: 'demo-password' };
const STANDIN = 'runbooks/proofile/standin.ts';

let rb: Runbook;
const scratch = mkdtempSync(path.join(tmpdir(), 'rollgate-proofile-'));

beforeAll(async () => {
  rb = await loadSeedRunbook(RUNBOOK);
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the proofile runbook', () => {
  it('validates, with every line of the plan recorded and every sign-off giving its reason', () => {
    const items = expectSourcesRecorded(rb, DOCUMENT, CHECKBOXES);
    // One item per metric target (response time and web vitals one per percentile and vital), one
    // per alert threshold, in the plan's order.
    expect(items.filter((i) => i.kind === 'metric')).toHaveLength(13);
    expect(items.filter((i) => i.kind === 'threshold').map((i) => i.label)).toEqual([
      'Error rate over 0.5%: WARN',
      'Error rate over 1%: CRITICAL',
      'p95 over 1 s: WARN',
      'p95 over 3 s: CRITICAL',
      'CPU over 70%: WARN',
      'CPU over 85%: CRITICAL',
      'Memory growing over 2% an hour: WARN',
      'Memory over 90%: CRITICAL',
    ]);
    // The three phases' success criteria and the release's ten.
    expect(items.filter((i) => i.kind === 'criterion')).toHaveLength(4 + 5 + 6 + 10);
  });

  it('records nothing observable from outside as a sign-off', () => {
    expect(signedOffButObservable(rb.sources[0]!.items)).toEqual([]);
  });

  it('pairs each WARN (advisory) with a blocking CRITICAL on the same query', () => {
    const metrics = new Map(rb.stages.production!.metrics.map((m) => [m.name, m]));
    for (const [warn, critical] of [
      ['error-rate-warn', 'error-rate-critical'],
      ['p95-warn', 'p95-critical'],
      ['cpu-warn', 'cpu-critical'],
    ] as const) {
      expect(metrics.get(warn)).toMatchObject({ advisory: true, query: metrics.get(critical)!.query });
      expect(metrics.get(critical)!.advisory).toBe(false);
    }
    expect(rb.stages.soak!.metrics.find((m) => m.name === 'memory-growth')).toMatchObject({
      advisory: true,
      window: 3_600_000,
    });
    // CPU is production monitoring; graduated (phase 2) judges none.
    const cpu = (stage: string) =>
      rb.stages[stage]!.metrics.filter((m) => /^cpu/.test(m.name)).map((m) => m.name);
    expect(cpu('production')).toEqual(['cpu', 'cpu-warn', 'cpu-critical']);
    expect(cpu('graduated')).toEqual([]);
  });

  it('judges no percentile of the latency histogram on fewer than 300 requests (3 ÷ 1%, for p99)', () => {
    for (const stage of ['staging', 'canary', 'graduated', 'production', 'soak']) {
      const percentiles = rb.stages[stage]!.metrics.filter((m) => m.query.includes('histogram_quantile'));
      expect(percentiles.map((m) => m.name)).toEqual([
        'p50-latency',
        'p95-latency',
        'p99-latency',
        'p95-warn',
        'p95-critical',
      ]);
      for (const m of percentiles) expect(m.minTraffic, `${stage} ${m.name}`).toMatchObject({ count: 300 });
    }
  });

  it('sizes the steady load for the 0.1% target with room for a machine that falls behind its rate', async () => {
    // The rule of three: 3,000 requests resolve 0.1%; the load sends them even at 40% of its rate.
    const profile = await loadProfileFile(rb.stages.graduated!.load!.profile, ROOT);
    expect((profile.arrivalRate! * profile.duration) / 1000).toBeGreaterThanOrEqual(2.5 * (3 / 0.001));
  });

  it('validates on the command line, and rollgate coverage finds nothing missing', async () => {
    const valid = await rollgate(['validate', '--runbook', RUNBOOK], {});
    expect(valid.exitCode, valid.all).toBe(0);
    await expectCoverageComplete(rb, RUNBOOK);
  });
});

/** `tsx runbooks/proofile/standin.ts` as a target starts it (its database in `env`), over a clean environment. */
const startStandin = (env: Record<string, string>) => startDemoProcess(env, STANDIN);

describe('the stand-in creates and writes only a database of its own (proofile_standin…)', () => {
  it('refuses another database before touching it, and a database that is not PostgreSQL', async () => {
    const other = uniqueName('proofile_other');
    const url = Object.assign(new URL(PG_ADMIN_URL), { pathname: `/${other}` }).toString();
    await expect(startStandin({ DEMO_DATABASE_URL: url })).rejects.toThrow(
      `exited (2) before it was ready: proofile stand-in: cannot start: database "${other}" refused: the stand-in creates and writes only a database named proofile_standin`,
    );
    expect(await pgQuery(PG_ADMIN_URL, 'SELECT 1 FROM pg_database WHERE datname = $1', [other])).toEqual([]);
    // The server's own database is refused too: the demo would write its tables and user into it.
    await expect(startStandin({ DEMO_DATABASE_URL: PG_ADMIN_URL })).rejects.toThrow(
      'database "postgres" refused',
    );
    const file = path.join(scratch, 'other.db');
    await expect(startStandin({ DEMO_DATABASE_URL: `file:${file}?mode=wal` })).rejects.toThrow(
      'DEMO_DATABASE_URL uses file:, but the stand-in runs on PostgreSQL',
    );
    expect(existsSync(file)).toBe(false);
    await expect(startStandin({})).rejects.toThrow('DEMO_DATABASE_URL is not set');
  });
});

describe('faults the plan names, at check level', () => {
  describe('error rate over 0.5% at 5% of traffic: the canary load against the release it replaces', () => {
    /** A database of the stand-in's own that does not exist yet: the stand-in creates it. */
    const name = uniqueName('proofile_standin');
    const url = Object.assign(new URL(PG_ADMIN_URL), { pathname: `/${name}` }).toString();
    const demos: Partial<Record<'baseline' | 'healthy' | 'errors', DemoProcess>> = {};

    beforeAll(async () => {
      // The stand-in's processes, as the gate starts them, all at once on the missing database.
      const demo = (version: string, role: string, faults = '') =>
        startStandin({
          DEMO_DATABASE_URL: url,
          DEMO_VERSION: version,
          DEMO_ROLE: role,
          DEMO_FAULTS: faults,
          DEMO_CONFIG_FILE: path.join(scratch, `${role}${faults}-config.toml`),
        });
      const started = await Promise.allSettled([
        demo('0.0.9', 'baseline'),
        demo('0.1.0', 'canary'),
        demo('0.1.0', 'canary', 'error-rate-5'),
      ]);
      (['baseline', 'healthy', 'errors'] as const).forEach((k, i) => {
        const s = started[i]!;
        if (s.status === 'fulfilled') demos[k] = s.value;
      });
      for (const s of started) if (s.status === 'rejected') throw s.reason;
    });

    afterAll(async () => {
      await Promise.all(Object.values(demos).map((d) => d.stop()));
      await pgQuery(PG_ADMIN_URL, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    });

    it('the stand-in created its database, and the three copies started at once share it', async () => {
      for (const d of Object.values(demos)) {
        const body = await (await fetch(`${d.url}/api/health`)).json();
        expect(body).toMatchObject({
          status: 'ok',
          checks: { database: { status: 'ok', engine: 'postgres' } },
        });
      }
      const users = await pgQuery<{ n: string }>(url, 'SELECT count(*) AS n FROM users');
      expect(users[0]!.n).toBe('1');
    });

    /** The canary stage's own load check (profile, budgets, comparison), as the gate runs it. */
    async function canaryLoad(canary: DemoProcess): Promise<CheckResult> {
      const stage = rb.stages.canary!;
      const profile = await loadProfileFile(stage.load!.profile, ROOT);
      return runLoadCheck(stage, 'canary', profile, {
        baseURL: canary.url,
        baselineURL: demos.baseline!.url,
        env: { ...process.env, ...SMOKE_ENV },
        runDir: mkdtempSync(path.join(scratch, 'load-')),
      });
    }

    it('the healthy canary passes its 0.5% error budget and the comparison', async () => {
      const r = await canaryLoad(demos.healthy!);
      expect(r.status, r.message).toBe('passed');
      expect(r.measurements.find((m) => m.name === 'error-rate')).toMatchObject({ actual: 0, passed: true });
      expect(r.measurements.find((m) => m.name === 'canary-error-rate-vs-baseline')).toMatchObject({
        passed: true,
      });
    });

    it('error-rate-5 fails the budget (5% > 0.5%) and the rise over the baseline', async () => {
      const r = await canaryLoad(demos.errors!);
      expect(r.status, r.message).toBe('failed');
      const budget = r.measurements.find((m) => m.name === 'error-rate')!;
      expect(budget).toMatchObject({ operator: '<', expected: 0.005, passed: false });
      expect(budget.actual as number).toBeGreaterThan(0.04);
      expect(budget.actual as number).toBeLessThan(0.06);
      expect(r.measurements.filter((m) => !m.passed).map((m) => m.name)).toEqual([
        'canary-error-rate-vs-baseline',
        'error-rate',
      ]);
      expect(r.message).toMatch(
        /^canary-error-rate-vs-baseline: fail: canary error rate [\d.]+% \(\d+\/\d+\) vs baseline 0%/,
      );
    });
  });

  describe('the alert rules on recorded series (rollgate metrics test)', () => {
    interface Result {
      stage: string;
      series: string;
      check: string;
      expected: string;
      got: string;
      ok: boolean;
      message: string;
    }
    let results: Result[];
    const got = (stage: string, file: string, name: string) => {
      const r = results.find((x) => x.stage === stage && x.series.endsWith(file) && x.check === name);
      if (!r) throw new Error(`no result for ${stage} ${file} ${name}`);
      return r;
    };

    beforeAll(async () => {
      const r = await rollgate(['metrics', 'test', '--runbook', RUNBOOK, '--json'], {});
      expect(r.exitCode, r.all).toBe(0);
      const out = JSON.parse(r.stdout) as { ok: boolean; results: Result[] };
      expect(out.ok).toBe(true);
      results = out.results;
      expect(results.filter((x) => !x.ok)).toEqual([]);
    });

    it('ten healthy minutes pass every production rule, WARN and CRITICAL alike', () => {
      const healthy = results.filter((x) => x.stage === 'production' && x.series.endsWith('healthy-10m.om'));
      expect(healthy.map((x) => x.check).sort()).toEqual(
        rb.stages.production!.metrics.map((m) => m.name).sort(),
      );
      expect(healthy.filter((x) => x.got !== 'pass')).toEqual([]);
    });

    it('p95 at 1.75 s fails the 1 s WARN (advisory) but not the 3 s CRITICAL; at 3.75 s both fail', () => {
      const warn = got('production', 'p95-1750ms-10m.om', 'p95-warn');
      expect(warn.got).toBe('fail');
      expect(warn.message).toMatch(/^advisory, not met: p95-warn: 1749\.\d+ ms violates <= 1000 ms/);
      const critical = got('production', 'p95-1750ms-10m.om', 'p95-critical');
      expect(critical.got).toBe('pass');
      expect(critical.message).toMatch(/^p95-critical: 1749\.\d+ ms <= 3000 ms/);
      const worse = got('production', 'p95-3750ms-10m.om', 'p95-critical');
      expect(worse.got).toBe('fail');
      expect(worse.message).toMatch(/^p95-critical: 3749\.\d+ ms violates <= 3000 ms/);
    });

    it('memory growing 3% an hour fails the 2%/hour rule; flat memory passes it', () => {
      const leak = got('soak', 'memory-growing-3pct-6h.om', 'memory-growth');
      expect(leak.got).toBe('fail');
      expect(leak.message).toMatch(
        /^advisory, not met: memory-growth: 0\.0(2[5-9]|3[0-4])\d* ratio\/h violates <= 0\.02/,
      );
      expect(got('soak', 'memory-flat-6h.om', 'memory-growth').got).toBe('pass');
    });

    it('connections never returned to the pool fail "under 50" at 25% of traffic; a normal pool passes', () => {
      const leak = got('graduated', 'connection-leak-6h.om', 'db-connections');
      expect(leak.got).toBe('fail');
      expect(leak.message).toMatch(/^db-connections: 90 violates < 50/);
      expect(got('graduated', 'connections-normal-6h.om', 'db-connections').got).toBe('pass');
    });
  });

  describe('an SSL/TLS certificate about to expire', () => {
    const dir = mkdtempSync(path.join(scratch, 'tls-'));
    const servers: Record<string, Awaited<ReturnType<typeof serveTls>>> = {};
    let caFile: string;

    beforeAll(async () => {
      const ca = makeCa(dir);
      caFile = ca.certFile;
      const hosts = ['127.0.0.1', 'localhost'];
      const certs: Record<string, CertPair> = {
        valid: leafCert(ca, { name: 'valid', hosts, notAfter: daysFromNow(90) }),
        // Five and a half days: five whole days left whenever the check runs within twelve hours.
        soon: leafCert(ca, { name: 'soon', hosts, notAfter: daysFromNow(5.5) }),
      };
      for (const [name, pair] of Object.entries(certs)) servers[name] = await serveTls(pair);
    });

    afterAll(async () => {
      await Promise.all(Object.values(servers).map((s) => s.close()));
    });

    /** The production target's own tls declaration, trusting the test CA. */
    const tls = (baseURL: string) =>
      runOne(declare({ tls: rb.targets.production!.tls!, http: { caFile } }, { checks: ['tls'] }), {
        baseURL,
      });

    it('a certificate with 90 days left passes; one expiring in 5 days fails against 14', async () => {
      const ok = await tls(servers.valid!.url);
      expect(ok.status, ok.message).toBe('passed');
      const soon = await tls(servers.soon!.url);
      expect(soon.status).toBe('failed');
      expect(soon.message).toMatch(/expires in 5 days \(.+\), 14 required/);
      expect(soon.measurements.find((m) => m.name === 'tls-days-left')).toMatchObject({
        actual: 5,
        passed: false,
      });
    });
  });
});

describe('graduated (25% of traffic) end to end on the stand-in', () => {
  it('promotes: health, the steady load, error rate, database, cache and availability', async () => {
    const reports = tempReports();
    const r = await rollgate(['gate', 'graduated', '--runbook', RUNBOOK], { ROLLGATE_REPORTS_DIR: reports });
    expect(r.exitCode, r.all).toBe(0);
    const v = readVerdict(reports);
    expect(v.verdict).toBe('promote');
    for (const id of [
      'probes/health-deep',
      'probes/version-matches',
      'load/steady',
      'metrics/error-ratio',
      'metrics/db-connections',
      'metrics/cache-hit-ratio',
      'metrics/memory-critical',
      'availability/zero-downtime',
    ])
      expect(check(v, id).status, `${id}: ${check(v, id).message}`).toBe('passed');
    // No threshold on this machine's own CPU seconds: production and the soaks judge CPU.
    expect(v.checks.filter((c) => c.id.includes('cpu')).map((c) => c.id)).toEqual([]);
    // 3,000 requests resolve the 0.1% target (the rule of three); the load got more answered.
    expect(check(v, 'metrics/error-ratio').measurements[0]!.samples).toBeGreaterThanOrEqual(3000);
    expect(check(v, 'metrics/cache-hit-ratio').measurements[0]!.actual as number).toBeGreaterThan(0.8);
    expect(check(v, 'metrics/p95-warn').blocking).toBe(false);
    rmSync(reports, { recursive: true, force: true });
  });
});
