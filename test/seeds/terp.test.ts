import { createHash } from 'node:crypto';
import { copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore as openDemoStore } from '../../demo/db/open-store.ts';
import type { DemoServer } from '../../demo/server.ts';
import { compareCopies } from '../../runbooks/terp/backup-copies.ts';
import { renderSeries } from '../../runbooks/terp/make-series.ts';
import { takeBackup } from '../../src/checks/backup/take-backup.ts';
import { createMaintenance } from '../../src/engine/guards/maintenance.ts';
import { decide } from '../../src/engine/policy.ts';
import { prepareDrill } from '../../src/engine/steps/drill.ts';
import { governanceChecks } from '../../src/engine/steps/governance.ts';
import { openStore } from '../../src/engine/store/open-store.ts';
import type { Store } from '../../src/engine/store/store.ts';
import type { LedgerEntry } from '../../src/model/ledger-entry.ts';
import type { Runbook } from '../../src/model/runbook.ts';
import { createMysqlDatabase, MYSQL_ADMIN_URL, mysqlQuery, type TestDatabase } from '../backup/servers.ts';
import { startTestDemo, tempDirs } from '../demo/helpers.ts';
import { readVerdict, rollgate, tempReports } from '../e2e/helpers.ts';
import {
  expectCoverageComplete,
  expectSourcesRecorded,
  loadSeedRunbook,
  ROOT,
  runCoverage,
  signedOffButObservable,
} from './helpers.ts';

/**
 * TERP's production rollout plan as a runbook: it validates and records the plan line by line; the
 * faults the plan names (an error rate more than 5 points above the previous release, performance
 * more than 50% worse, a deployment outside its window, a backup that is not intact, maintenance
 * mode left on) each hold at
 * check level while the healthy recordings and backups pass; the production stage promotes end to
 * end inside the window, with maintenance mode switched on and off around its smoke tests.
 */

const RUNBOOK = 'runbooks/terp/terp.runbook.ts';
const DOCUMENT = '003_e5683169b2973eae.txt';
/** Every `- [ ]` line of the plan. */
const CHECKBOXES = 65;
const RELEASE = '0.1.0';
/** A label with a keyword always observable (window), signed off: the approval is a decision. */
const APPROVED_WINDOW = 'Deployment window approved';

const dirs = tempDirs();
let rb: Runbook;
/** Coverage lists every stage's suites (seconds per runner): started first, awaited by its test. */
let coverage: ReturnType<typeof runCoverage>;

beforeAll(async () => {
  coverage = runCoverage(RUNBOOK);
  // Awaited by its test; a failure is reported there, not as an unhandled rejection meanwhile.
  coverage.catch(() => undefined);
  rb = await loadSeedRunbook(RUNBOOK);
});

afterAll(() => dirs.cleanup());

function ledgerEntry(
  stage: string,
  finishedAt: string,
  verdict: 'promote' | 'hold' = 'promote',
): LedgerEntry {
  return {
    schemaVersion: 1,
    runId: `${stage}-${finishedAt}`,
    runbook: 'terp',
    stage,
    release: RELEASE,
    verdict,
    startedAt: finishedAt,
    finishedAt,
    summary: {},
    reasons: [],
  };
}

describe('the terp runbook', () => {
  it('validates, with every line of the plan recorded', () => {
    const items = expectSourcesRecorded(rb, DOCUMENT, CHECKBOXES);
    // Both rollback thresholds, and each stage of the procedure (steps 1-7) as a step.
    expect(items.filter((i) => i.kind === 'threshold').map((i) => i.label)).toEqual([
      'Error rate more than 5 points above baseline',
      'Performance more than 50% worse',
    ]);
    expect(items.filter((i) => /^Step \d/.test(i.label))).toHaveLength(7);
  });

  it('signs off nothing observable from outside, save the approval of the window', () => {
    // Approving the night is a decision by people (its sign-off says so); running inside it is
    // window/deployment-window, which the window's own rules are encoded by.
    const items = rb.sources[0]!.items;
    expect(signedOffButObservable(items, [APPROVED_WINDOW])).toEqual([]);
    expect(items.find((i) => i.label === APPROVED_WINDOW)?.signoff).toBe('Deployment window approved');
    expect(
      items.filter((i) => i.section.endsWith('Standard Maintenance Window')).map((i) => i.checks),
    ).toEqual([
      ['production:window/deployment-window'],
      ['production:window/deployment-window'],
      ['production:window/deployment-window', 'rollback-drill:drill/rto'],
    ]);
  });

  it("encodes the plan's window, soak, fresh backup, maintenance calls and rollback thresholds", () => {
    const production = rb.stages.production!;
    expect(production.windows).toEqual([
      { days: ['tue', 'wed', 'thu'], from: '22:00', to: '02:00', timeZone: 'America/New_York' },
    ]);
    expect(rb.stages['go-no-go']!.requires).toEqual({
      stages: [{ stage: 'staging', soak: 24 * 3_600_000 }],
      drill: { stage: 'rollback-drill', within: 2 * 3_600_000 },
    });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the runbook's template, filled from the environment
    const headers = { Authorization: 'Bearer ${ADMIN_TOKEN}' };
    expect(production.maintenance).toEqual({
      enable: { path: '/admin/maintenance/enable', method: 'POST', headers },
      disable: { path: '/admin/maintenance/disable', method: 'POST', headers },
      probe: { path: '/', status: 503 },
    });
    expect(rb.targets.production!.secrets).toContain('ADMIN_TOKEN');
    const thresholds = Object.fromEntries(rb.stages.verify!.metrics.map((m) => [m.name, m.baseline]));
    expect(thresholds['error-ratio-vs-baseline']).toMatchObject({
      mode: 'difference',
      operator: '<=',
      value: 0.05,
    });
    expect(thresholds['p95-vs-baseline']).toMatchObject({ mode: 'ratio', operator: '<=', value: 1.5 });
    // 3 ÷ 5%: no p95 judged on fewer than 60 requests a side.
    expect(rb.stages.verify!.metrics.find((m) => m.name === 'p95-vs-baseline')!.minTraffic).toMatchObject({
      count: 60,
    });
    expect(rb.stages.verify!.load!.compare).toMatchObject({ medianRatio: 1.5, errorRateDelta: 0.05 });
    // The stand-in's data is on this machine's MariaDB, in databases of its own.
    for (const t of ['staging', 'production', 'release', 'previous'])
      expect(rb.targets[t]!.embedded!.env.DATABASE_URL).toMatch(
        /^mysql:\/\/root@127\.0\.0\.1:3306\/terp_standin/,
      );
  });

  it('its recorded series are exactly what make-series.ts renders', () => {
    const dir = path.join(ROOT, 'runbooks/terp/series');
    const rendered = renderSeries();
    expect(readdirSync(dir).sort()).toEqual([...rendered.keys()].sort());
    for (const [name, text] of rendered) expect(readFileSync(path.join(dir, name), 'utf8'), name).toBe(text);
  });
});

describe('rollback thresholds on recorded series (rollgate metrics test: promtool and a real Prometheus)', () => {
  interface Result {
    series: string;
    check: string;
    expected: string;
    got: string;
    ok: boolean;
    message: string;
  }
  let results: Result[];
  const got = (series: string, check: string) =>
    results.find((r) => r.series.endsWith(series) && r.check === check);

  beforeAll(async () => {
    const r = await rollgate(['metrics', 'test', '--stage', 'verify', '--runbook', RUNBOOK, '--json'], {});
    expect(r.exitCode, r.all).toBe(0);
    results = (JSON.parse(r.stdout) as { ok: boolean; results: Result[] }).results;
  });

  it('an error rate more than 5 points above the previous release fails; 4 points above does not', () => {
    expect(got('errors-release-8pct.om', 'error-ratio-vs-baseline')).toMatchObject({ got: 'fail', ok: true });
    expect(got('errors-release-8pct.om', 'error-ratio-vs-baseline')!.message).toMatch(
      /^error-ratio-vs-baseline: 0\.07\d+ violates <= 0\.05 .*canary 0\.079\d+, baseline 0\.0029\d+/,
    );
    expect(got('errors-release-4pct.om', 'error-ratio-vs-baseline')).toMatchObject({ got: 'pass', ok: true });
    // "Should be at or below baseline": 4 points above is reported (advisory) without holding.
    expect(got('errors-release-4pct.om', 'error-ratio-at-baseline')!.message).toMatch(/^advisory, not met:/);
    expect(got('errors-normal.om', 'error-ratio-vs-baseline')).toMatchObject({ got: 'pass', ok: true });
    expect(got('errors-normal.om', 'error-ratio-at-baseline')).toMatchObject({ got: 'pass', ok: true });
  });

  it('a p95 more than 50% above the previous release fails; 20% slower does not', () => {
    expect(got('latency-release-double.om', 'p95-vs-baseline')).toMatchObject({ got: 'fail', ok: true });
    expect(got('latency-release-double.om', 'p95-vs-baseline')!.message).toMatch(
      /^p95-vs-baseline: 1\.\d+ violates <= 1\.5 /,
    );
    expect(got('latency-release-20pct.om', 'p95-vs-baseline')).toMatchObject({ got: 'pass', ok: true });
    expect(got('latency-normal.om', 'p95-vs-baseline')).toMatchObject({ got: 'pass', ok: true });
  });

  it('a p95 on a handful of requests is inconclusive, even twice as slow', () => {
    const few = got('latency-few-requests.om', 'p95-vs-baseline');
    expect(few).toMatchObject({ got: 'inconclusive', ok: true });
    expect(few!.message).toMatch(/^inconclusive: \d\d requests in 15m; 60 needed/);
  });
});

describe('deployment window and staging soak, at check level', () => {
  async function governance(stage: string, now: string, ledger: LedgerEntry[] = []) {
    const store = await openStore(dirs.make(), {});
    try {
      for (const e of ledger) await store.appendLedger(e);
      const r = await governanceChecks({
        runbook: rb,
        runbookFile: RUNBOOK,
        stageName: stage,
        stage: rb.stages[stage]!,
        release: RELEASE,
        now: new Date(now),
        store,
      });
      return {
        by: (id: string) => r.checks.find((c) => c.id === id)!,
        verdict: decide(r.checks, { flaky: 'hold' }).verdict,
      };
    } finally {
      await store.close();
    }
  }
  const goNoGo = [ledgerEntry('go-no-go', '2026-11-24T22:00:00.000Z')];

  it('outside Tuesday to Thursday 22:00-02:00 Eastern the production gate holds', async () => {
    // Sunday 12:00 and Thursday 21:59 in New York; Friday 02:00 is past Thursday's window.
    for (const now of ['2026-11-22T17:00:00Z', '2026-11-27T02:59:00Z', '2026-11-27T07:00:00Z']) {
      const g = await governance('production', now, goNoGo);
      expect(g.by('window/deployment-window'), now).toMatchObject({ status: 'failed' });
      expect(g.by('window/deployment-window').message).toContain('outside the deployment window: now ');
      expect(g.verdict).toBe('hold');
    }
  });

  it('inside the window it passes, Wednesday 01:30 belonging to the window opened on Tuesday', async () => {
    for (const now of ['2026-11-25T03:00:00Z', '2026-11-25T06:30:00Z', '2026-11-27T03:30:00Z']) {
      const g = await governance('production', now, goNoGo);
      expect(g.by('window/deployment-window'), now).toMatchObject({ status: 'passed' });
      expect(g.by('requires/go-no-go').status).toBe('passed');
    }
  });

  it('go-no-go holds until staging promoted the release 24 hours ago and a drill passed within 2 hours', async () => {
    const now = '2026-11-24T21:30:00Z';
    const early = await governance('go-no-go', now, [
      ledgerEntry('staging', '2026-11-24T09:30:00.000Z'),
      ledgerEntry('rollback-drill', '2026-11-24T19:00:00.000Z'),
    ]);
    expect(early.by('requires/staging')).toMatchObject({ status: 'failed' });
    expect(early.by('requires/staging').message).toContain('the soak needs 24.0 h');
    expect(early.by('requires/drill')).toMatchObject({ status: 'failed' });
    const ready = await governance('go-no-go', now, [
      ledgerEntry('staging', '2026-11-23T20:00:00.000Z'),
      ledgerEntry('rollback-drill', '2026-11-24T20:00:00.000Z'),
    ]);
    expect(ready.by('requires/staging').status).toBe('passed');
    expect(ready.by('requires/drill').status).toBe('passed');
  });
});

describe('backup integrity, at check level: the rollback drill on MariaDB', () => {
  let database: TestDatabase;
  let store: Store;
  let backups: string;
  let backup: string;

  beforeAll(async () => {
    // A stand-in database of the test's own, with TERP's schema, the smoke account and one order.
    database = await createMysqlDatabase('terp_standin_t');
    const app = await openDemoStore(database.url);
    try {
      const user = await app.findUserByName('demo');
      await app.createEstimate(user!.id, 'Order 1001', [
        { description: 'Case of 12', quantity: 3, unitPriceCents: 4_500 },
      ]);
    } finally {
      await app.close();
    }
    store = await openStore(dirs.make(), {});
    backups = dirs.make();
    backup = (
      await takeBackup({
        databaseUrl: database.url,
        dir: backups,
        name: 'terp',
        record: (r) => store.recordBackup(r),
      })
    ).path;
  });

  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  async function drill(backupDir: string) {
    const run = await prepareDrill(rb.stages['rollback-drill']!.drill!, {
      root: ROOT,
      runId: 'terp-seed',
      env: { ROLLGATE_BACKUP_DIR: backupDir },
      now: new Date(),
      store,
    });
    await run.cleanup();
    return {
      status: (id: string) => run.checks.find((c) => c.id === id)?.status,
      message: (id: string) => run.checks.find((c) => c.id === id)?.message ?? '',
      verdict: decide(run.checks, { flaky: 'hold' }).verdict,
    };
  }

  /** A copy of the backup and its manifest in a folder of its own, changed by `tamper`. */
  function tampered(tamper: (dump: Buffer) => Buffer, rewriteManifest: boolean): string {
    const dir = dirs.make();
    const file = path.join(dir, path.basename(backup));
    writeFileSync(file, tamper(readFileSync(backup)));
    const manifest = JSON.parse(readFileSync(`${backup}.manifest.json`, 'utf8'));
    if (rewriteManifest) {
      manifest.sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
      manifest.sizeBytes = statSync(file).size;
    }
    writeFileSync(`${file}.manifest.json`, JSON.stringify(manifest, null, 2));
    return dir;
  }

  it('the fresh backup restores into a scratch database with its content and invariants intact', async () => {
    const d = await drill(backups);
    for (const id of [
      'drill/backup',
      'drill/backup-recorded',
      'drill/backup-hygiene',
      'drill/verify-restore',
      'drill/restore-content',
    ])
      expect(d.status(id), `${id}: ${d.message(id)}`).toBe('passed');
    expect(d.verdict).toBe('promote');
  });

  it('a dump corrupted after it was taken fails verification on its checksum', async () => {
    const dir = tampered((dump) => {
      const copy = Buffer.from(dump);
      const at = copy.indexOf('Order 1001');
      copy[at] = 'X'.charCodeAt(0);
      return copy;
    }, false);
    const d = await drill(dir);
    expect(d.status('drill/verify-restore')).toBe('failed');
    expect(d.message('drill/verify-restore')).toContain('checksum mismatch');
    expect(d.verdict).toBe('hold');
  });

  it('a dump that lost its order lines, manifest rewritten to match, fails its record and its restore', async () => {
    const dir = tampered(
      (dump) =>
        Buffer.from(dump.toString('utf8').replace(/INSERT INTO `line_items` VALUES\n[\s\S]*?\);\n/, '')),
      true,
    );
    const d = await drill(dir);
    expect(d.status('drill/backup-recorded')).toBe('failed');
    expect(d.status('drill/verify-restore')).toBe('failed');
    expect(d.message('drill/verify-restore')).toMatch(/line_items/);
    expect(d.verdict).toBe('hold');
  });

  it('the second location must hold that very backup', async () => {
    const offsite = dirs.make();
    const missing = await compareCopies(backups, offsite);
    expect(missing).toMatchObject({ locations: 1, backup: path.basename(backup) });
    expect(missing.problems.join('; ')).toContain('ENOENT');
    for (const f of [backup, `${backup}.manifest.json`])
      copyFileSync(f, path.join(offsite, path.basename(f)));
    expect(await compareCopies(backups, offsite)).toMatchObject({ locations: 2, problems: [] });
    const copy = path.join(offsite, path.basename(backup));
    writeFileSync(copy, `${readFileSync(copy, 'utf8')}\n-- changed\n`);
    const changed = await compareCopies(backups, offsite);
    expect(changed.locations).toBe(1);
    expect(changed.problems[0]).toContain('the manifest says');
  });
});

describe('maintenance mode not switched off, at check level', () => {
  const TOKEN = 'terp-guard-token-5d2e8b';
  let healthy: DemoServer;
  let stuck: DemoServer;

  beforeAll(async () => {
    [healthy, stuck] = await Promise.all([
      startTestDemo(dirs.make(), { adminToken: TOKEN }),
      startTestDemo(dirs.make(), { adminToken: TOKEN, faults: ['maintenance-stuck'] }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([healthy?.close(), stuck?.close()]);
  });

  /** The production stage's own calls and probe, with its ADMIN_TOKEN from the environment. */
  const maintenance = (url: string) =>
    createMaintenance(rb.stages.production!.maintenance!, {
      baseURL: url,
      transport: { headers: {}, secrets: [] },
      env: { ADMIN_TOKEN: TOKEN },
      stageName: 'production',
      probeDeadlineMs: 1000,
    });

  it('on the healthy stand-in the mode goes on and off again, each proven by the anonymous probe', async () => {
    const m = maintenance(healthy.url);
    expect(await m.on()).toMatchObject({ status: 'passed' });
    const off = await m.off();
    expect(off.status, off.message).toBe('passed');
  });

  it('a disable call acknowledged while the mode stays on fails maintenance/off', async () => {
    const m = maintenance(stuck.url);
    expect(await m.on()).toMatchObject({ status: 'passed' });
    const off = await m.off();
    expect(off.status).toBe('failed');
    expect(off.message).toContain('but GET / still answered 503');
    expect(off.message).toContain('maintenance mode is still on');
    expect(off.message).not.toContain(TOKEN);
  });
});

describe('end to end', () => {
  /** The admin token the maintenance calls send: never written to any file of the run. */
  const ADMIN_TOKEN = 'terp-admin-token-7f3c9a1e5b';

  it('the production stage PROMOTEs inside the window: maintenance on and off, no downtime, smoke tests', {
    timeout: 240_000,
  }, async () => {
    const reports = tempReports();
    // What the ledger and the sign-offs hold by then: go-no-go promoted this release, QA signed the
    // modules the stand-in lacks, and the tech lead the emergency rule.
    const store = await openStore(reports, {});
    await store.appendLedger(ledgerEntry('go-no-go', '2026-11-24T21:40:00.000Z'));
    for (const s of rb.signoffs.filter((x) => x.stage === 'production'))
      await store.addSignoff({
        runbook: 'terp',
        stage: 'production',
        release: RELEASE,
        title: s.title,
        by: 'qa',
        at: '2026-11-24T21:45:00.000Z',
      });
    await store.close();
    // Tuesday 23:30 in New York.
    const r = await rollgate(['gate', 'production', '--runbook', RUNBOOK, '--now', '2026-11-25T04:30:00Z'], {
      ROLLGATE_REPORTS_DIR: reports,
      ADMIN_TOKEN,
      TERP_AUDIT_REPORT: 'test/fixtures/audit/clean.json',
    });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toMatch(/^PROMOTE terp\/production release 0\.1\.0/m);
    const v = readVerdict(reports);
    const status = Object.fromEntries(v.checks.map((c) => [c.id, c.status]));
    expect(status).toMatchObject({
      'window/deployment-window': 'passed',
      'requires/go-no-go': 'passed',
      'maintenance/on': 'passed',
      'maintenance/off': 'passed',
      'availability/zero-downtime': 'passed',
      'probes/version-matches': 'passed',
      'hygiene/dependency-audit': 'passed',
      'security/tls': 'skipped',
      'terp/schema-valid': 'passed',
      'terp/db-integrity': 'passed',
      'terp/no-server-errors': 'passed',
      'terp/access-control': 'passed',
      'terp/session-persists': 'passed',
      'terp/logout': 'passed',
      'terp/recent-orders': 'passed',
      'golden/create-estimate': 'passed',
    });
    expect(Object.values(status).filter((s) => s !== 'passed' && s !== 'skipped')).toEqual([]);
    expect(v.checks.filter((c) => c.kind === 'manual')).toHaveLength(6);
    // The stand-in ran on its own MariaDB database, created when missing.
    expect(await mysqlQuery(MYSQL_ADMIN_URL, "SHOW DATABASES LIKE 'terp_standin'")).toHaveLength(1);
    // The admin token is in no file of the reports folder.
    // Every file once: `latest` is a link to a run folder, which is walked itself.
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isSymbolicLink() ? [] : e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)],
      );
    for (const f of files(reports)) expect(readFileSync(f).includes(ADMIN_TOKEN), f).toBe(false);
  });
});

// Last, so the coverage run started in beforeAll overlaps the tests above.
describe('rollgate coverage', () => {
  it('rollgate coverage finds every item automated or signed off with a reason, none missing', async () => {
    // Every check an item names is one a stage really runs.
    const report = await expectCoverageComplete(rb, RUNBOOK, coverage);
    const items = report.documents[0]!.items;
    expect(items.find((i) => i.label === 'Error rate more than 5 points above baseline')?.status).toBe(
      'automated',
    );
    expect(items.find((i) => i.label === 'Inventory list')?.status).toBe('manual');
  });
});
