import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import type { LoadProfile } from '../checks/load/index.ts';
import { redactRunDir } from '../checks/redact/redact-files.ts';
import type { LoadedRunbook } from '../config/load-runbook.ts';
import { createMasker } from '../config/mask.ts';
import type { ResolvedGate } from '../config/options.ts';
import { reportPaths } from '../config/paths.ts';
import type { CheckResult } from '../model/check-result.ts';
import { summarize, VERDICT_SCHEMA_VERSION, type Verdict } from '../model/verdict.ts';
import { createChildSet } from './children.ts';
import { collect, type RunnerOutcome } from './collect.ts';
import { stageContext } from './context.ts';
import { planStage } from './plan.ts';
import { decide } from './policy.ts';
import { drillBudgets, prepareDrill } from './steps/drill.ts';
import { applyWaivers, governanceChecks } from './steps/governance.ts';
import { describeLoad, runLoadCheck } from './steps/load-stage.ts';
import { runPlaywright, runVitest } from './steps/runners.ts';
import { stopOnSignals } from './stop-signals.ts';
import type { Store } from './store/store.ts';
import { startStageTargets } from './targets.ts';
import { validChecks } from './valid-checks.ts';

export type GateEvent =
  | { type: 'planned'; checks: number; problems: number }
  | { type: 'target'; baseURL: string; embedded: boolean }
  | { type: 'running'; runners: string[]; parallel: boolean }
  | { type: 'load'; what: string; expectedMs: number }
  | { type: 'interrupt'; reason: string };

export interface GateRunOptions {
  root: string;
  loaded: LoadedRunbook;
  gate: ResolvedGate;
  env?: NodeJS.ProcessEnv;
  onEvent?: (e: GateEvent) => void;
  onRunnerOutput?: (text: string) => void;
  store: Store;
  /** The stage's load profile, already checked against allowed stages and hosts. */
  loadProfile?: LoadProfile;
  /** Reason to run outside the stage's deployment window; recorded in the verdict and ledger. */
  overrideWindow?: string;
}

export interface GateRunResult {
  verdict: Verdict;
  warnings: string[];
  runDir: string;
  /** Values to mask in every output: declared secrets and the ones the run generated. */
  secretValues: string[];
}

/** `20261122T060551Z-bea2b0`: sortable by time, unique by its random tail. */
export function newRunId(now: Date): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

/**
 * Runs one stage: plan, start the target if embedded, run the suites in parallel, collect, decide.
 * Stops everything it started on deadline, SIGINT or SIGTERM and then decides HOLD (interrupted).
 * Writing the verdict is the reporters' job; this returns it.
 */
export async function runGate(o: GateRunOptions): Promise<GateRunResult> {
  const { gate, loaded } = o;
  const env: NodeJS.ProcessEnv = { ...(o.env ?? process.env), FORCE_COLOR: '0' };
  const started = gate.clock.now();
  const startedMono = performance.now();
  const runId = newRunId(started);
  const paths = reportPaths(gate.reportsDir, runId);
  mkdirSync(path.join(paths.runDir, 'raw'), { recursive: true });
  mkdirSync(path.join(paths.runDir, 'evidence'), { recursive: true });

  const children = createChildSet(runId);
  const stopping = stopOnSignals((reason) => {
    o.onEvent?.({ type: 'interrupt', reason });
    void children.stopAll();
  });
  const deadline = setTimeout(
    () => stopping.stop(`stage deadline of ${gate.timeoutMs} ms passed`),
    gate.timeoutMs,
  );

  const governance = await governanceChecks({
    runbook: loaded.runbook,
    runbookFile: loaded.file,
    runbookFoundBy: loaded.foundBy,
    stageName: gate.stageName,
    stage: gate.stage,
    release: gate.release,
    now: started,
    store: o.store,
    overrideWindow: o.overrideWindow,
  });
  // A drill restores the newest backup first; the app then boots on the restored copy.
  const drillStarted = performance.now();
  const drill = gate.stage.drill
    ? await prepareDrill(gate.stage.drill, { root: o.root, runId, env, now: started, store: o.store })
    : undefined;
  // A per-run folder outside reports/ for files that may hold secrets (the demo's effective config).
  const scratchDir = mkdtempSync(path.join(tmpdir(), `rollgate-${runId}-`));
  const vars = { runDir: paths.runDir, scratchDir, restoredDatabaseUrl: drill?.restoredUrl ?? '' };
  let checks: CheckResult[] = [];
  let baseURL = gate.baseURL ?? '';
  let secretValues = [...(drill?.secrets ?? [])];
  try {
    const targets = await startStageTargets(gate, {
      root: o.root,
      env,
      vars,
      children,
      signal: stopping.signal,
      blocked: drill && !drill.restoredUrl ? 'drill: no restored database to boot the app on' : undefined,
    });
    secretValues = [...targets.secretValues, ...secretValues];
    baseURL = targets.baseURL;
    const { targetEnv, startError } = targets;
    o.onEvent?.({ type: 'target', baseURL, embedded: !gate.baseURL });
    // The plan is needed only to collect: listing (niced) starts once the target is up, so it
    // never delays it, and the runners start at once beside it.
    const planned = planStage(o.root, gate.stage, env).then((plan) => {
      o.onEvent?.({ type: 'planned', checks: plan.checks.length, problems: plan.problems.length });
      return plan;
    });
    const context = stageContext(gate, { baseURL, runId, runDir: paths.runDir, scratchDir });
    const runEnv = {
      ...env,
      ...targetEnv,
      ROLLGATE_CONTEXT: JSON.stringify(context),
      ROLLGATE_RUN_ID: runId,
    };
    let outcomes: RunnerOutcome[] = [];
    if (startError || stopping.reason) {
      const failure = startError ?? stopping.reason!;
      outcomes = [
        { kind: 'vitest', failure },
        { kind: 'playwright', failure },
      ];
    } else {
      const runOpts = {
        root: o.root,
        runDir: paths.runDir,
        env: runEnv,
        children,
        onOutput: o.onRunnerOutput,
      };
      const runners = [
        ...(gate.stage.suites.length
          ? [{ kind: 'vitest' as const, run: () => runVitest(gate.stage, runOpts) }]
          : []),
        ...(gate.stage.smoke
          ? [{ kind: 'playwright' as const, run: () => runPlaywright(gate.stage, runOpts) }]
          : []),
      ];
      // Side by side where there are cores to spare; on a small machine they would only fight for
      // the CPU (no faster, and browser timings such as web vitals get noisy): one after the other.
      const parallel = availableParallelism() > 2;
      o.onEvent?.({ type: 'running', runners: runners.map((r) => r.kind), parallel });
      if (parallel) outcomes = await Promise.all(runners.map((r) => r.run()));
      else
        for (const r of runners)
          outcomes.push(stopping.reason ? { kind: r.kind, failure: stopping.reason } : await r.run());
    }
    const plan = await planned;
    checks = collect(plan, outcomes, gate.stage, stopping.reason);
    if (gate.stage.load || gate.k6Summary) {
      // Load runs after the suites, alone, so nothing else skews its latencies.
      if (o.loadProfile && !gate.k6Summary && !startError && !stopping.reason)
        o.onEvent?.({ type: 'load', ...describeLoad(gate.stage, o.loadProfile) });
      checks.push(
        await runLoadCheck(gate.stage, gate.stageName, o.loadProfile, {
          baseURL,
          baselineURL: targets.baselineURL,
          baselineMissing: targets.baselineMissing,
          env: runEnv,
          runDir: paths.runDir,
          notRun: gate.k6Summary ? stopping.reason : (startError ?? stopping.reason),
          k6Summary: gate.k6Summary,
        }),
      );
    }
    if (drill) {
      const elapsed = performance.now() - drillStarted;
      checks = [
        ...drill.checks,
        ...checks,
        ...drillBudgets(gate.stage.drill!, drill, checks, gate.clock.now(), elapsed),
      ];
    }
  } finally {
    rmSync(scratchDir, { recursive: true, force: true });
    // The run's secrets, its declared ones too when the targets never started (secretValues
    // then lacks them).
    const mask = createMasker([
      ...secretValues,
      ...[...gate.target.secrets, ...(gate.baseline?.target.secrets ?? [])].map((n) => env[n]),
    ]);
    await drill
      ?.cleanup()
      .catch((e: Error) =>
        process.stderr.write(mask(`rollgate: could not drop the drill's scratch copy: ${e.message}\n`)),
      );
    clearTimeout(deadline);
    await children.stopAll();
    stopping.dispose();
    // Once nothing writes to it any more: Playwright's traces and everything else the runners left
    // in the run folder are cleaned now, so nothing stays unredacted under reports/ if the rest of
    // this run throws (a store read) or its verdict is never published.
    redactRunDir(paths.runDir, mask, env);
  }

  const waivers = await o.store.waivers(loaded.runbook.name, gate.stageName, gate.release);
  checks = applyWaivers([...governance.checks, ...checks], waivers, gate.clock.now());
  checks = validChecks(checks); // load, drill and governance checks too: one bad value errors one check
  const decision = decide(checks, gate.stage, stopping.reason);
  const finished = new Date(started.getTime() + (performance.now() - startedMono));
  const verdict: Verdict = {
    schemaVersion: VERDICT_SCHEMA_VERSION,
    runId,
    runbook: loaded.runbook.name,
    stage: gate.stageName,
    verdict: decision.verdict,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: Math.round(finished.getTime() - started.getTime()),
    target: { baseURL, version: gate.release, embedded: !gate.baseURL },
    checks,
    summary: summarize(checks),
    reasons: decision.reasons,
    interrupted: stopping.reason,
    signoffs: governance.signoffs.map(({ title, role, by, at, note }) => ({ title, role, by, at, note })),
    windowOverride: governance.windowOverride,
    clock: gate.clock.fixed ? { fixed: true, now: started.toISOString() } : undefined,
  };
  return { verdict, warnings: decision.warnings, runDir: paths.runDir, secretValues };
}
