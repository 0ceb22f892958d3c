import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { reportPaths } from '../../config/paths.ts';
import type { CheckResult } from '../../model/check-result.ts';
import type { Verdict } from '../../model/verdict.ts';
import type { WatchOutcome, WatchSpec } from '../../model/watch.ts';
import { createChildSet } from '../children.ts';
import { stageTargetURLs, startMetricsServer } from '../metrics/prepare.ts';
import type { StagePrometheus } from '../metrics/stage-prometheus.ts';
import { type GateEvent, type GateRunOptions, type GateRunResult, newRunId, runGate } from '../run-gate.ts';
import { runbookGit } from '../runbook-git.ts';
import { stopOnSignals } from '../stop-signals.ts';
import {
  interruptedReason,
  judge,
  plannedRuns,
  record,
  START,
  type WatchLimits,
  type WatchState,
  type WatchStatus,
} from './watch-policy.ts';
import { type SeriesTarget, startSeriesTarget } from './watch-target.ts';
import { runCheck, seriesVerdict } from './watch-verdict.ts';

export type WatchEvent =
  | { type: 'series'; seriesId: string; runs: number; spec: WatchSpec }
  | { type: 'target'; baseURL: string; embedded: boolean }
  | { type: 'interrupt'; reason: string };

/** After each run: where the series stands. */
export interface WatchProgress {
  stage: string;
  index: number;
  verdict: Verdict;
  state: WatchState;
  limits: WatchLimits;
  status: WatchStatus;
  /** Time until the next run starts; undefined when the series is over. */
  nextInMs?: number;
}

export interface WatchOptions extends Omit<GateRunOptions, 'onEvent'> {
  spec: WatchSpec;
  /** Writes one run as a single gate would (verdict, ledger, reports); returns it as written. */
  record: (run: GateRunResult) => Promise<Verdict>;
  onEvent?: (e: WatchEvent) => void;
  onRunEvent?: (e: GateEvent) => void;
  onProgress?: (p: WatchProgress) => void;
}

export interface WatchResult {
  verdict: Verdict;
  runDir: string;
  secretValues: string[];
}

const newSeriesId = (now: Date) => `${newRunId(now)}-watch`;

/** Waits `ms`, or less when `signal` aborts. */
const sleep = (ms: number, signal: AbortSignal) =>
  ms <= 0 ? Promise.resolve() : setTimeout(ms, undefined, { signal }).catch(() => {});

/**
 * A watch series: the stage's gate every `interval` for `duration`, each run a full gate with its
 * own verdict and ledger line, against one deployment (the embedded app is started once). Ends
 * with the series' own verdict, decided by the watch policy. SIGINT or SIGTERM stops the series
 * (and the run in flight) and holds.
 */
export async function runWatch(o: WatchOptions): Promise<WatchResult> {
  const { gate, spec } = o;
  // Everything else a single gate takes is passed on to each run as it is.
  const { spec: _spec, record: _record, onEvent: _onEvent, onRunEvent, onProgress: _onProgress, ...each } = o;
  const env = o.env ?? process.env;
  const startedAt = gate.clock.now();
  const startedMono = performance.now();
  const seriesId = newSeriesId(startedAt);
  const { runDir } = reportPaths(gate.reportsDir, seriesId);
  mkdirSync(runDir, { recursive: true });
  const limits: WatchLimits = {
    failureLimit: spec.failureLimit,
    consecutiveSuccessLimit: spec.consecutiveSuccessLimit,
    runs: plannedRuns(spec.interval, spec.duration),
  };
  o.onEvent?.({ type: 'series', seriesId, runs: limits.runs, spec });

  const children = createChildSet(seriesId);
  const stopping = stopOnSignals((reason) => o.onEvent?.({ type: 'interrupt', reason }));
  const scratchDir = mkdtempSync(path.join(tmpdir(), `rollgate-${seriesId}-`));

  let state = START;
  let status: WatchStatus = { done: false };
  let failure: string | undefined;
  let target: SeriesTarget = { gate, env, baseURL: gate.baseURL ?? '', secretValues: [] };
  const runs: CheckResult[] = [];
  const secretValues = new Set<string>();
  // The embedded Prometheus lives as long as the series, so a run's window can reach back over earlier runs.
  let metricsServer: Promise<StagePrometheus> | undefined;
  const releases: (() => unknown)[] = [];
  try {
    try {
      target = await startSeriesTarget(gate, children, {
        root: o.root,
        env,
        runDir,
        scratchDir,
        signal: stopping.signal,
      });
      for (const s of target.secretValues) secretValues.add(s);
      metricsServer = startMetricsServer(target.gate, o.loaded.runbook.providers, {
        root: o.root,
        env: target.env,
        urls: stageTargetURLs(target.gate, target.baseURL, target.gate.baseline?.baseURL),
        children,
        signal: stopping.signal,
        defer: (_name, release) => releases.push(release),
      });
    } catch (error) {
      failure = `watch: ${(error as Error).message}`;
    }
    if (!failure) o.onEvent?.({ type: 'target', baseURL: target.baseURL, embedded: !gate.baseURL });
    // Runs are scheduled from the first one, once the target is up.
    const firstMono = performance.now();
    for (let i = 0; !failure && !status.done && !stopping.reason && i < limits.runs; i++) {
      await sleep(firstMono + i * spec.interval - performance.now(), stopping.signal);
      if (stopping.reason) break;
      const run = await runGate({
        ...each,
        gate: target.gate,
        targetEmbedded: !gate.baseURL,
        env: target.env,
        onEvent: onRunEvent,
        ...(metricsServer ? { metricsServer } : {}),
      });
      for (const s of run.secretValues) secretValues.add(s);
      run.verdict.watch = { series: seriesId, index: i + 1, of: limits.runs, intervalMs: spec.interval };
      run.verdict.target.embedded = !gate.baseURL;
      let written: Verdict;
      try {
        written = await o.record(run);
      } catch (error) {
        failure = `watch: could not record run ${i + 1} (${run.verdict.runId}): ${(error as Error).message}`;
        break;
      }
      runs.push(runCheck(written, run.runDir, o.loaded.file));
      // A run cut short by the series' own interruption is no evidence either way.
      if (stopping.reason && written.interrupted) break;
      state = record(state, written.verdict === 'promote');
      status = judge(state, limits);
      const next = firstMono + (i + 1) * spec.interval - performance.now();
      o.onProgress?.({
        stage: gate.stageName,
        index: i + 1,
        verdict: written,
        state,
        limits,
        status,
        nextInMs: status.done || stopping.reason ? undefined : Math.max(0, next),
      });
    }
  } finally {
    stopping.dispose();
    for (const release of releases) await release();
    await children.stopAll();
    rmSync(scratchDir, { recursive: true, force: true });
  }

  let outcome: WatchOutcome;
  let reason: string;
  if (status.done) ({ outcome, reason } = status);
  else if (stopping.reason || !failure) [outcome, reason] = ['interrupted', interruptedReason(state, limits)];
  else [outcome, reason] = ['failed', failure];
  const finishedAt = new Date(startedAt.getTime() + (performance.now() - startedMono));
  const verdict = seriesVerdict({
    seriesId,
    runbook: o.loaded.runbook.name,
    stage: gate.stageName,
    suite: o.loaded.file,
    release: gate.release,
    baseURL: target.baseURL,
    embedded: !gate.baseURL,
    spec,
    limits,
    state,
    outcome,
    reason,
    runs,
    startedAt,
    finishedAt,
    interrupted: outcome === 'interrupted' ? stopping.reason : undefined,
    fixedClock: gate.clock.fixed,
    runbookGit: await runbookGit(o.loaded.file),
  });
  return { verdict, runDir, secretValues: [...secretValues] };
}
