import { readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { loadRunbook } from '../../src/config/load-runbook.ts';
import { processesOfRun } from '../../src/engine/children.ts';
import { governanceChecks } from '../../src/engine/steps/governance.ts';
import { fileStore } from '../../src/engine/store/file-store.ts';
import { LedgerEntry } from '../../src/model/ledger-entry.ts';
import { Verdict } from '../../src/model/verdict.ts';
import { cleanEnv, ROOT, readVerdict, rollgate, tempReports } from '../e2e/helpers.ts';

const RUNBOOK = 'test/fixtures/runbooks/watch.runbook.ts';
/** The same runbook without its suite: no vitest per run, for the series that prove the series. */
const BUILTINS_ONLY = 'test/fixtures/runbooks/watch-builtins.runbook.ts';

const ledger = (reports: string) =>
  readFileSync(path.join(reports, 'ledger.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => LedgerEntry.parse(JSON.parse(l)));

const runVerdict = (reports: string, runId: string) =>
  Verdict.parse(JSON.parse(readFileSync(path.join(reports, 'runs', runId, 'verdict.json'), 'utf8')));

/** What `after-soak` (requires.watch: 1s of soak) says about the ledger a series left. */
async function afterSoak(reports: string) {
  const loaded = await loadRunbook(RUNBOOK, ROOT);
  const r = await governanceChecks({
    runbook: loaded.runbook,
    runbookFile: loaded.file,
    stageName: 'after-soak',
    stage: loaded.runbook.stages['after-soak']!,
    release: '0.1.0',
    now: new Date(),
    store: fileStore(reports),
  });
  return r.checks.find((c) => c.id === 'requires/watch')!;
}

/**
 * Watch series through the CLI against the embedded demo, started once per series. The healthy
 * series runs the built-ins and the probes suite in every run; the broken and interrupted series
 * run the built-ins only (watch-builtins.runbook.ts), a vitest run less per watch run.
 */
describe('watch runs end to end', () => {
  test('a healthy demo: each run recorded, one demo for the series, PROMOTE early on consecutive passes', async () => {
    const reports = tempReports();
    // The runbook plans 4 runs (every 1s for 3s); the flag ends the series after 2 passes in a row.
    const r = await rollgate(['gate', 'soak', '--runbook', RUNBOOK, '--consecutive-success-limit', '2'], {
      ROLLGATE_REPORTS_DIR: reports,
    });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toMatch(/every 1s for 3s \(4 runs\), failureLimit 1, consecutiveSuccessLimit 2/);
    expect(r.stdout.match(/\(embedded, started once for the whole series\)/g)).toHaveLength(1);
    expect(r.stdout).toMatch(
      /^watch soak 1\/4 · PROMOTE (\d+)\/\1 · failures 0 \(limit 1\) · consecutive passes 1\/2 · next (now|in 1s)$/m,
    );
    expect(r.stdout).toMatch(
      /^watch soak 2\/4 · PROMOTE (\d+)\/\1 · failures 0 \(limit 1\) · consecutive passes 2\/2 · series passed$/m,
    );
    expect(r.stdout).toMatch(/^PROMOTE watch\/soak release 0\.1\.0$/m);

    const lines = ledger(reports);
    expect(lines.map((e) => [e.verdict, e.watch?.index])).toEqual([
      ['promote', 1],
      ['promote', 2],
      ['promote', undefined],
    ]);
    const series = readVerdict(reports);
    expect(series.runId).toBe(lines[2]!.runId);
    expect(lines[2]!.watch).toEqual({
      series: series.runId,
      of: 4,
      intervalMs: 1000,
      result: {
        outcome: 'passed',
        runs: 2,
        failures: 0,
        consecutivePasses: 2,
        failureLimit: 1,
        consecutiveSuccessLimit: 2,
        durationMs: 3000,
      },
    });
    expect(lines[0]!.watch).toEqual({ series: series.runId, index: 1, of: 4, intervalMs: 1000 });
    expect(series.checks.map((c) => [c.id, c.status, c.blocking])).toEqual([
      ['watch/run-1', 'passed', false],
      ['watch/run-2', 'passed', false],
      ['watch/series', 'passed', true],
    ]);
    // One demo watched: both runs saw the same instance, the series' own.
    const runs = lines.slice(0, 2).map((e) => runVerdict(reports, e.runId));
    expect(new Set([series.target.baseURL, ...runs.map((v) => v.target.baseURL)]).size).toBe(1);
    expect(runs.every((v) => v.target.embedded && v.verdict === 'promote')).toBe(true);
    expect(processesOfRun(series.runId)).toEqual([]);
    // Two runs started 1 s apart span more than the 1 s after-soak requires, however fast each run is.
    const soak = await afterSoak(reports);
    expect(soak, soak.message).toMatchObject({ status: 'passed' });
  });

  test('a broken release: fails early with HOLD once failures exceed failureLimit', async () => {
    const reports = tempReports();
    // Built-in checks only: the suite running in each watch run is proven by the healthy series.
    const r = await rollgate(['gate', 'soak', '--runbook', BUILTINS_ONLY], {
      ROLLGATE_REPORTS_DIR: reports,
      DEMO_FAULTS: 'wrong-version',
    });
    expect(r.exitCode, r.all).toBe(1);
    expect(r.stdout).toMatch(
      /^watch soak 1\/4 · HOLD \d+\/\d+ · failures 1 \(limit 1\) · consecutive passes 0 · next/m,
    );
    expect(r.stdout).toMatch(
      /^watch soak 2\/4 · HOLD \d+\/\d+ · failures 2 \(limit 1\) · consecutive passes 0 · series failed$/m,
    );
    expect(r.stdout).not.toMatch(/^watch soak 3\/4/m);
    expect(r.stdout).toMatch(/^HOLD watch\/soak release 0\.1\.0$/m);
    const v = readVerdict(reports);
    expect(v.verdict).toBe('hold');
    expect(v.reasons[0]).toBe('watch: 2 of 2 runs failed, failureLimit 1');
    expect(v.reasons[1]).toMatch(/^run 1 of 4 \(\S+\): HOLD: probes\/version-matches failed/);
    expect(ledger(reports).map((e) => [e.verdict, e.watch?.index, e.watch?.result?.outcome])).toEqual([
      ['hold', 1, undefined],
      ['hold', 2, undefined],
      ['hold', undefined, 'failed'],
    ]);
    expect(await afterSoak(reports)).toMatchObject({ status: 'failed' });
    expect((await afterSoak(reports)).message).toMatch(/has none: the newest watch run held at/);
  });

  test('SIGINT while waiting for the next run ends the series at once: HOLD (interrupted), demo stopped', async () => {
    const reports = tempReports();
    const child = execa(
      process.execPath,
      [
        path.join(ROOT, 'bin/rollgate.mjs'),
        'gate',
        'soak',
        '--runbook',
        BUILTINS_ONLY,
        '--watch-interval',
        '1m',
      ],
      { cwd: ROOT, env: cleanEnv({ ROLLGATE_REPORTS_DIR: reports }), extendEnv: false, reject: false },
    );
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the first run never finished:\n${out}`)), 60_000);
      child.stdout?.on('data', (b: Buffer) => {
        out += b.toString();
        if (/next in \d+s/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode, r.stdout).toBe(1);
    expect(r.stdout).toContain('stopping the watch: SIGINT received');
    const v = readVerdict(reports);
    expect(v.interrupted).toBe('SIGINT received');
    expect(v.reasons.slice(0, 2)).toEqual([
      'interrupted: SIGINT received',
      'watch: stopped after 1 of 2 runs, 0 failures, before an answer',
    ]);
    expect(v.checks.find((c) => c.id === 'watch/series')?.status).toBe('errored');
    expect(processesOfRun(v.runId)).toEqual([]);
  });
});
