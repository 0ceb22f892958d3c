import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoServer } from '../../demo/server.ts';
import type { CheckResult } from '../../src/model/check-result.ts';
import type { Runbook } from '../../src/model/runbook.ts';
import { declare, runChecks, runOne } from '../builtin/helpers.ts';
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
 * The Paintbox production runbook as a runbook: it validates and records the runbook item by item
 * with nothing missing; the failures it names (JWKS endpoint failure, missing security headers,
 * HTTP 5xx, an audit over budget) each fail their own check while the healthy stand-in passes the
 * same checks; the post-deployment verification promotes end to end.
 */

const RUNBOOK = 'runbooks/paintbox/paintbox.runbook.ts';
const DOCUMENT = '002_57327de9ab467e27.txt';
/** The runbook's `- [ ]` lines (its prerequisites). */
const CHECKBOXES = 4;

/**
 * Labels that name something always observable (memory), signed off because the step is not:
 * adding machines or memory is an operation on Fly, which the stand-in (one process) cannot do;
 * its sign-off says so, and the gate observes the effect (memory against 2048 MB, response times).
 */
const NOT_ON_STAND_IN = ['more machines or memory under load'];

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

describe('the paintbox runbook', () => {
  it('validates, with every line of the runbook recorded and encoded', () => {
    const items = expectSourcesRecorded(rb, DOCUMENT, CHECKBOXES);
    // Key metrics and alerting rules: five of each.
    expect(items.filter((i) => i.kind === 'metric')).toHaveLength(5);
    expect(items.filter((i) => i.kind === 'threshold')).toHaveLength(5);
  });

  it('signs off nothing observable from outside, save scaling the Fly machines', () => {
    const { items } = rb.sources[0]!;
    expect(signedOffButObservable(items, NOT_ON_STAND_IN)).toEqual([]);
    for (const label of NOT_ON_STAND_IN)
      expect(items.find((i) => i.label === label)?.signoff, label).toBe(
        'Machine size and autoscaling set on Fly',
      );
  });

  it("encodes the runbook's numbers and environment on the stand-in", () => {
    const production = rb.targets.production!;
    expect(production.embedded?.env).toMatchObject({
      DATABASE_URL: 'file:{runDir}/data/paintbox.db?mode=wal',
      NODE_ENV: 'production',
      NODE_OPTIONS: '--max-old-space-size=1536',
      NEXT_TELEMETRY_DISABLED: '1',
      GENERATE_SOURCEMAP: 'false',
    });
    expect(production.requireWal).toBe(true);
    expect(
      Object.fromEntries(
        Object.entries(production.health!).map(([k, v]) => [k, (v as { latencyMs: number }).latencyMs]),
      ),
    ).toEqual({
      simple: 2000,
      deep: 2000,
      metrics: 2000,
    });
    expect(production.audit).toMatchObject({
      report: 'runbooks/paintbox/npm-audit.json',
      budget: { critical: 0, high: 0 },
    });
    const deploy = Object.fromEntries(
      rb.stages.production!.metrics.map((m) => [m.name, [m.operator, m.value]]),
    );
    expect(deploy).toMatchObject({
      'server-errors': ['==', 0],
      'p95-latency': ['<', 2000],
      'memory-usage': ['<', 0.85],
    });
    expect(rb.stages.production!.windows).toHaveLength(1);
    expect(rb.stages.production!.availability).toMatchObject({ maxFailures: 0 });
    // Down after 3 failed checks: the third failed run holds; a run every 15 s (the simple check's interval).
    expect(rb.stages.monitor!.watch).toMatchObject({ interval: 15_000, failureLimit: 2 });
  });
});

describe('failures the runbook names, at check level', () => {
  type Fault = 'healthy' | 'no-jwks' | 'no-security-headers' | 'server-errors';
  const demos = new Map<Fault, DemoServer>();
  const statuses = (r: Map<string, CheckResult>) =>
    Object.fromEntries([...r].map(([id, c]) => [id, c.status]));

  /** The production target as declared, with the built-ins of the post-deployment verification. */
  const verify = (over: Partial<Runbook['targets'][string]> = {}, checks = rb.stages.verify!.checks) => {
    const { embedded: _e, ...target } = rb.targets.production!;
    return declare({ ...target, ...over }, { checks: [...checks] });
  };

  beforeAll(async () => {
    await Promise.all(
      (['healthy', 'no-jwks', 'no-security-headers', 'server-errors'] as const).map(async (fault) => {
        const dir = dirs.make();
        const server = await startTestDemo(dir, {
          databaseUrl: `file:${path.join(dir, 'data', 'paintbox.db')}?mode=wal`,
          environment: 'production',
          faults: fault === 'healthy' ? [] : [fault],
        });
        demos.set(fault, server);
      }),
    );
  });

  afterAll(async () => {
    await Promise.all([...demos.values()].map((d) => d.close()));
  });

  const run = (fault: Fault) => runChecks(verify(), { baseURL: demos.get(fault)!.url, release: '1.2.3' });

  it('the healthy stand-in passes every built-in of the verification (TLS not applicable on loopback HTTP)', async () => {
    expect(statuses(await run('healthy'))).toEqual({
      'probes/health-simple': 'passed',
      'probes/health-deep': 'passed',
      'probes/health-metrics': 'passed',
      'probes/version-matches': 'passed',
      'probes/jwks': 'passed',
      'security/headers': 'passed',
      'security/tls': 'skipped',
    });
  });

  it('a JWKS endpoint failure (no-jwks) fails the JWKS check only', async () => {
    const r = await run('no-jwks');
    expect(statuses(r)).toMatchObject({
      'probes/health-simple': 'passed',
      'probes/health-deep': 'passed',
      'probes/jwks': 'failed',
      'security/headers': 'passed',
    });
    expect(r.get('probes/jwks')!.message).toContain('404');
  });

  it('missing security headers (no-security-headers) fail the header check, naming X-Frame-Options', async () => {
    const r = await run('no-security-headers');
    expect(statuses(r)).toMatchObject({ 'security/headers': 'failed', 'probes/jwks': 'passed' });
    expect(r.get('security/headers')!.message).toContain('X-Frame-Options');
    expect(r.get('security/headers')!.message).toContain('X-Content-Type-Options');
  });

  it('HTTP 5xx everywhere (server-errors) fails every health endpoint, naming the status', async () => {
    const r = await run('server-errors');
    expect(statuses(r)).toMatchObject({
      'probes/health-simple': 'failed',
      'probes/health-deep': 'failed',
      'probes/health-metrics': 'failed',
    });
    expect(r.get('probes/health-simple')!.message).toContain('500');
  });

  it("the recorded audit is npm's own answer, a refusal (405): errored with npm's reason, never passed", async () => {
    // The registry this machine reaches refuses npm's audit endpoint (README.md): re-recorded where it
    // answers, the file becomes a report and this check judges its advisories.
    const recorded = JSON.parse(readFileSync(path.join(ROOT, rb.targets.production!.audit!.report!), 'utf8'));
    expect(recorded.statusCode).toBe(405);
    const r = await runOne(verify({}, ['dependency-audit']), { baseURL: demos.get('healthy')!.url });
    expect(r.status).toBe('errored');
    expect(r.message).toContain('405 Method Not Allowed');
  });

  it('a recorded audit with a high advisory is over the budget; a clean one passes', async () => {
    const audit = (report: string) =>
      runOne(verify({ audit: { ...rb.targets.production!.audit!, report } }, ['dependency-audit']), {
        baseURL: demos.get('healthy')!.url,
      });
    const high = await audit('test/fixtures/audit/high-moderate.json');
    expect(high.status).toBe('failed');
    expect(high.message).toContain('high 1 (budget 0)');
    expect(high.message).toContain('lodash');
    const clean = await audit('test/fixtures/audit/clean.json');
    expect([clean.status, clean.message]).toEqual(['passed', undefined]);
  });
});

describe('rollgate coverage', () => {
  it('finds every recorded item encoded: nothing missing', async () => {
    await expectCoverageComplete(rb, RUNBOOK, coverage);
  });
});

describe('end to end', () => {
  it('the post-deployment verification PROMOTEs on the healthy stand-in', async () => {
    const reports = tempReports();
    const r = await rollgate(['gate', 'verify', '--runbook', RUNBOOK], { ROLLGATE_REPORTS_DIR: reports });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toMatch(/^PROMOTE paintbox\/verify release /m);
    const v = readVerdict(reports);
    expect(Object.fromEntries(v.checks.map((c) => [c.id, c.status]))).toEqual({
      'auth/sign-in': 'passed',
      'probes/health-simple': 'passed',
      'probes/health-deep': 'passed',
      'probes/health-metrics': 'passed',
      'probes/version-matches': 'passed',
      'probes/jwks': 'passed',
      'security/headers': 'passed',
      'security/tls': 'skipped',
      'probes/tcp-connect': 'passed',
      'probes/memory-share': 'passed',
      'probes/no-server-errors': 'passed',
      'security/xss-protection': 'passed',
      'probes/no-source-maps': 'passed',
    });
    expect(verdictCheck(v, 'probes/no-server-errors').measurements[0]).toMatchObject({
      actual: 0,
      passed: true,
    });
    expect(verdictCheck(v, 'probes/memory-share').measurements[0]).toMatchObject({
      expected: 0.85,
      passed: true,
    });
    expect(verdictCheck(v, 'security/tls').notApplicable).toContain('plain HTTP on loopback');
  });
});
