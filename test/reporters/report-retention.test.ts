import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RollgateError } from '../../src/config/errors.ts';
import { validateRunbook } from '../../src/config/load-runbook.ts';
import { resolveGate } from '../../src/config/options.ts';
import { fileStore } from '../../src/engine/store/file-store.ts';
import { historyFile, readHistory } from '../../src/reporters/allure-history.ts';
import { pointLatest } from '../../src/reporters/latest.ts';
import { publish } from '../../src/reporters/publish.ts';
import { buildRunsReport } from '../../src/reporters/report-build.ts';
import { pruneRuns } from '../../src/reporters/report-runs.ts';
import { makeCheck, makeMeasurement, makeVerdict, tempDirs, thrown } from '../unit/helpers.ts';

const dirs = tempDirs('rollgate-retention-');
afterAll(() => dirs.cleanup());

const at = (minute: number) => `2026-03-08T06:${String(minute).padStart(2, '0')}:00.000Z`;

/** Publishes run `r<i>` of demo/canary (or another stage) the way a gate does, with `retain`. */
async function publishRun(reportsDir: string, i: number, retain?: number, stage = 'canary') {
  const runId = stage === 'canary' ? `r${i}` : `${stage}-r${i}`;
  const hold = i % 2 === 0;
  const verdict = makeVerdict(
    [
      makeCheck({ id: 'probes/health' }),
      makeCheck({
        id: 'load/p95',
        kind: 'load',
        status: hold ? 'failed' : 'passed',
        measurements: [makeMeasurement(hold ? { actual: 900, passed: false, outcome: 'fail' } : {})],
      }),
    ],
    {
      runId,
      stage,
      verdict: hold ? 'hold' : 'promote',
      reasons: hold ? ['load/p95 failed'] : [],
      startedAt: at(i * 2),
      finishedAt: at(i * 2 + 1),
    },
  );
  const runDir = path.join(reportsDir, 'runs', runId);
  const out = await publish({
    verdict,
    runDir,
    reportsDir,
    mask: (s) => s,
    store: fileStore(reportsDir),
    retain,
  });
  expect(out.reporterErrors).toEqual([]);
  return runDir;
}

const runsIn = (reportsDir: string) => readdirSync(path.join(reportsDir, 'runs')).sort();

describe('retention: old runs pruned after the commit, history kept', () => {
  it('retain 3 after 5 runs: runs/ holds the newest 3, the ledger and the history all 5, the report 5', async () => {
    const reportsDir = dirs.make();
    for (let i = 1; i <= 5; i++) await publishRun(reportsDir, i, 3);
    expect(runsIn(reportsDir)).toEqual(['r3', 'r4', 'r5']);
    expect(realpathSync(path.join(reportsDir, 'latest'))).toBe(
      realpathSync(path.join(reportsDir, 'runs', 'r5')),
    );
    const ledger = readFileSync(path.join(reportsDir, 'ledger.jsonl'), 'utf8').trim().split('\n');
    expect(ledger.map((l) => JSON.parse(l).runId)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    // Each run entered the history when it was published, so pruned runs are still there.
    const points = readHistory(historyFile(reportsDir));
    expect(points.map((p) => p.uuid)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    expect(points.map((p) => p.name)).toEqual([
      'demo/canary 1.2.3: PROMOTE (r1)',
      'demo/canary 1.2.3: HOLD (r2)',
      'demo/canary 1.2.3: PROMOTE (r3)',
      'demo/canary 1.2.3: HOLD (r4)',
      'demo/canary 1.2.3: PROMOTE (r5)',
    ]);
    // Every point holds both checks and the run's verdict result, with the run's statuses.
    const statuses = points.map((p) =>
      Object.values(p.testResults)
        .map((t) => t.status)
        .sort(),
    );
    expect(statuses[0]).toEqual(['passed', 'passed', 'passed']);
    expect(statuses[1]).toEqual(['failed', 'failed', 'passed']);

    // The report: the newest run as the tests, the four before it (two of them pruned) as history.
    const report = await buildRunsReport({ reportsDir, outDir: path.join(reportsDir, 'html') });
    expect(report!.shown.map((r) => r.runId)).toEqual(['r5']);
    expect(report!.history.map((h) => h.uuid)).toEqual(['r1', 'r2', 'r3', 'r4']);
    expect(existsSync(report!.file)).toBe(true);
  });

  it('counts each stage on its own: a stage gated rarely keeps its runs while another is gated often', async () => {
    const reportsDir = dirs.make();
    await publishRun(reportsDir, 1, 2, 'staging');
    for (let i = 2; i <= 6; i++) await publishRun(reportsDir, i, 2);
    expect(runsIn(reportsDir)).toEqual(['r5', 'r6', 'staging-r1']);
    const report = await buildRunsReport({ reportsDir, outDir: path.join(reportsDir, 'html') });
    expect(report!.shown.map((r) => r.runId).sort()).toEqual(['r6', 'staging-r1']);
  });

  it('keeps every run by default', async () => {
    const reportsDir = dirs.make();
    for (let i = 1; i <= 4; i++) await publishRun(reportsDir, i);
    expect(runsIn(reportsDir)).toEqual(['r1', 'r2', 'r3', 'r4']);
  });

  it('never prunes the run latest points at, the run just published, nor a folder without a verdict', async () => {
    const reportsDir = dirs.make();
    for (let i = 1; i <= 3; i++) await publishRun(reportsDir, i);
    mkdirSync(path.join(reportsDir, 'runs', 'r0-still-running'));
    // latest on the oldest run (another gate's rename won, say): it stays, the middle one goes.
    pointLatest(reportsDir, path.join(reportsDir, 'runs', 'r1'));
    expect(pruneRuns(reportsDir, 1, path.join(reportsDir, 'runs', 'r3'))).toEqual(['r2']);
    expect(runsIn(reportsDir)).toEqual(['r0-still-running', 'r1', 'r3']);
  });

  it('backfills history for kept runs published before runs entered it', async () => {
    const reportsDir = dirs.make();
    for (let i = 1; i <= 3; i++) await publishRun(reportsDir, i);
    // As an older rollgate left it: no history of these runs at all.
    rmSync(historyFile(reportsDir));
    const report = await buildRunsReport({ reportsDir, outDir: path.join(reportsDir, 'html') });
    expect(report!.history.map((h) => h.uuid)).toEqual(['r1', 'r2']);
  });
});

describe('where retention comes from', () => {
  const runbook = (reports?: unknown) =>
    validateRunbook('test.runbook.ts', {
      name: 'shop',
      targets: { canary: { baseURL: 'https://canary.shop.example/' } },
      stages: { canary: { target: 'canary', suites: ['runbooks/probes.suite.ts'] } },
      ...(reports === undefined ? {} : { reports }),
    });

  it('reads reports.retain, under ROLLGATE_RETAIN_RUNS, under --retain; unset keeps all', () => {
    const flags = { release: '1.0.0' };
    expect(resolveGate(runbook(), 'canary', flags, {}).retain).toBeUndefined();
    expect(resolveGate(runbook({ retain: 3 }), 'canary', flags, {}).retain).toBe(3);
    const env = { ROLLGATE_RETAIN_RUNS: '7' };
    expect(resolveGate(runbook({ retain: 3 }), 'canary', flags, env).retain).toBe(7);
    expect(resolveGate(runbook({ retain: 3 }), 'canary', { ...flags, retain: '2' }, env).retain).toBe(2);
  });

  it('refuses a retention that is not a whole number of runs, naming where it came from', () => {
    const e = thrown(() =>
      resolveGate(runbook(), 'canary', { release: '1' }, { ROLLGATE_RETAIN_RUNS: 'three' }),
    );
    expect(e).toBeInstanceOf(RollgateError);
    expect(e.message).toContain('ROLLGATE_RETAIN_RUNS: "three"');
    const flag = thrown(() => resolveGate(runbook(), 'canary', { release: '1', retain: '0' }, {}));
    expect(flag.message).toContain('--retain: "0"');
    const bad = thrown(() => runbook({ retain: 0 }));
    expect(bad.message).toContain('reports.retain');
    expect(thrown(() => runbook({ retain: 3, keep: 'all' })).message).toContain('reports');
  });
});
