import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LoadProfile } from '../checks/load/index.ts';
import { redactRunDir } from '../checks/redact/redact-files.ts';
import type { LoadedRunbook } from '../config/load-runbook.ts';
import { createMasker } from '../config/mask.ts';
import type { ResolvedGate } from '../config/options.ts';
import { reportPaths } from '../config/paths.ts';
import type { CheckResult, PlannedCheck } from '../model/check-result.ts';
import type { ShardSpec } from '../model/shard.ts';
import type { Verdict } from '../model/verdict.ts';
import { createChildSet, withoutColour } from './children.ts';
import { collect, type RunnerOutcome } from './collect.ts';
import { stageContext } from './context.ts';
import { planGuards } from './guards/plan-guards.ts';
import { createStageGuards, type StageGuards } from './guards/stage-guards.ts';
import { prepareMetrics, stageTargetURLs, startMetricsServer } from './metrics/prepare.ts';
import type { StagePrometheus } from './metrics/stage-prometheus.ts';
import { planBuiltins, planMetrics, planStage } from './plan.ts';
import { checkIsOk } from './policy.ts';
import { shardGate, shardSuiteSteps } from './shard/shard-stage.ts';
import { announced, type StepEvent } from './steps/announced.ts';
import { builtinStep } from './steps/builtin-step.ts';
import { decideRun } from './steps/decide.ts';
import * as steps from './steps/gate-steps.ts';
import type { GovernanceResult } from './steps/governance.ts';
import { describeLoad } from './steps/load-stage.ts';
import { signInStep } from './steps/sign-in-step.ts';
import type { StepContext } from './steps/step.ts';
import { ownBudgets, unmeasuredBudgets, unmeasuredStageBudgets } from './steps/unmeasured-budgets.ts';
import { stopOnSignals } from './stop-signals.ts';
import type { Store } from './store/store.ts';
import { startStageTargets } from './targets.ts';
import { createTeardown } from './teardown.ts';

export type GateEvent =
  | { type: 'planned'; checks: number; problems: number }
  | { type: 'target'; baseURL: string; embedded: boolean }
  | { type: 'running'; runners: string[]; parallel: boolean }
  | { type: 'load'; what: string; expectedMs: number }
  | { type: 'interrupt'; reason: string }
  | StepEvent;

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
  /**
   * Told every secret value as soon as the run knows it (generated secrets, the drill's, the
   * session's token and cookies), so live output (--verbose) is masked from then on.
   */
  onSecrets?: (values: string[]) => void;
  /** Reason to run outside the stage's deployment window; recorded in the verdict and ledger. */
  overrideWindow?: string;
  /** An embedded Prometheus already running for a watch series (its history spans the runs). */
  metricsServer?: Promise<StagePrometheus>;
  /**
   * rollgate started the target: a watch series starts its embedded app once and passes its URL as
   * `gate.baseURL`. Default: the gate has no baseURL (this run starts it).
   */
  targetEmbedded?: boolean;
  /**
   * A shard of a sharded gate (`--shard i/n`): Playwright runs only its part of the golden paths;
   * any shard but the first runs nothing else. `dir` names the shard's folder from its run id.
   * The budgets nothing measured are judged by the merge, on every shard's checks.
   */
  shard?: { spec: ShardSpec; dir: (runId: string) => string };
}

export interface GateRunResult {
  verdict: Verdict;
  warnings: string[];
  runDir: string;
  /** Values to mask in every output: declared secrets and the ones the run generated. */
  secretValues: string[];
  /** A shard's parts for its result: its checks before governance and waivers, and its golden paths' plan. */
  shard?: { checks: CheckResult[]; governance: GovernanceResult; planned: PlannedCheck[] };
}

/**
 * The stage's budgets no check measured, as errored checks: those the command line gave, and
 * (only when nothing else holds: a check that failed or errored may be the one that measures it)
 * the stage's own. A sharded run's merge judges them on the checks of every shard.
 */
export function unmeasuredBudgetChecks(
  gate: Pick<ResolvedGate, 'overrides' | 'stage' | 'stageName'>,
  runbook: Pick<LoadedRunbook['runbook'], 'budgets'>,
  checks: readonly CheckResult[],
): CheckResult[] {
  const out = unmeasuredBudgets(gate.overrides, checks);
  const all = [...checks, ...out];
  if (all.every((c) => !c.blocking || checkIsOk(c, gate.stage)))
    out.push(...unmeasuredStageBudgets(gate.stageName, ownBudgets(gate.stage.budgets, runbook.budgets), all));
  return out;
}

/** `20261122T060551Z-bea2b0`: sortable by time, unique by its random tail. */
export function newRunId(now: Date): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

/**
 * Runs one stage as a pipeline: set up (each resource registered for teardown the moment it
 * exists) → steps (governance, drill, targets, vitest and Playwright, load) → decide. Stops
 * everything it started on deadline, SIGINT or SIGTERM and then decides HOLD (interrupted); any
 * early failure (a store that cannot be read, a drill that cannot prepare) releases everything
 * set up so far, and no handler or timer outlives the run. Writing the verdict is the reporters'
 * job; this returns it.
 */
export async function runGate(o: GateRunOptions): Promise<GateRunResult> {
  const { loaded } = o;
  // Any shard but the first runs its golden paths alone.
  const gate = o.shard ? shardGate(o.gate, o.shard.spec) : o.gate;
  const env: NodeJS.ProcessEnv = withoutColour(o.env ?? process.env);
  const started = gate.clock.now();
  const startedMono = performance.now();
  const runId = newRunId(started);
  const paths = o.shard ? { runDir: o.shard.dir(runId) } : reportPaths(gate.reportsDir, runId);
  const teardown = createTeardown();
  let secretValues: string[] = [];
  // The run's secrets, its declared ones too when the targets never started (secretValues then lacks them).
  const masker = () =>
    createMasker([
      ...secretValues,
      ...[...gate.target.secrets, ...(gate.baseline?.target.secrets ?? [])].map((n) => env[n]),
    ]);
  let released: Promise<void> | undefined;
  const release = () =>
    (released ??= (async () => {
      const mask = masker();
      for (const f of await teardown.runAll())
        process.stderr.write(mask(`rollgate: could not ${f.name}: ${f.error.message}\n`));
      // Once nothing writes to it any more: Playwright's traces and everything else the runners
      // left in the run folder are cleaned now, so nothing stays unredacted under reports/ if the
      // rest of this run throws (a store read) or its verdict is never published.
      redactRunDir(paths.runDir, mask, env);
    })());
  try {
    mkdirSync(path.join(paths.runDir, 'raw'), { recursive: true });
    mkdirSync(path.join(paths.runDir, 'evidence'), { recursive: true });
    // Released last first: the drill's scratch copy, the scratch folder, the deadline, every process
    // (targets and runners all live in the child set), then the signal handlers, so a signal while
    // the processes stop still HOLDs the run.
    const children = createChildSet(runId);
    // Maintenance is switched off before the processes (an embedded target among them) are stopped.
    let guards: StageGuards | undefined;
    const stopping = stopOnSignals((reason) => {
      o.onEvent?.({ type: 'interrupt', reason });
      void (guards?.beforeStop() ?? Promise.resolve()).finally(() => children.stopAll());
    });
    teardown.defer('stop listening for SIGINT and SIGTERM', () => stopping.dispose());
    teardown.defer("stop the run's processes", () => children.stopAll());
    const deadline = setTimeout(
      () => stopping.stop(`stage deadline of ${gate.timeoutMs} ms passed`),
      gate.timeoutMs,
    );
    teardown.defer('clear the stage deadline', () => clearTimeout(deadline));
    // A per-run folder outside reports/ for files that may hold secrets (the demo's effective config).
    const scratchDir = mkdtempSync(path.join(tmpdir(), `rollgate-${runId}-`));
    teardown.defer('remove the scratch folder', () => rmSync(scratchDir, { recursive: true, force: true }));
    const ctx: StepContext = {
      root: o.root,
      gate,
      runId,
      runDir: paths.runDir,
      scratchDir,
      env,
      now: started,
      store: o.store,
      children,
      stopping,
      defer: teardown.defer,
      onOutput: o.onRunnerOutput,
    };
    // Maintenance mode and the availability loop: the headers' secrets are masked from the start.
    guards = createStageGuards(gate, {
      env,
      root: o.root,
      now: () => new Date(started.getTime() + (performance.now() - startedMono)),
      stopping,
      defer: teardown.defer,
    });

    const governance: GovernanceResult =
      o.shard && o.shard.spec.index > 1
        ? { checks: [], signoffs: [] }
        : await steps.governanceStep(loaded, o.overrideWindow).run(ctx);
    // A drill restores the newest backup first; the app then boots on the restored copy.
    const drillStarted = performance.now();
    const drill = gate.stage.drill
      ? await announced(o.onEvent, 'drill restore', () => steps.drillStep.run(ctx))
      : await steps.drillStep.run(ctx);
    secretValues = [...(drill?.secrets ?? []), ...guards.secrets];
    o.onSecrets?.(secretValues);
    const targets = await announced(o.onEvent, 'target start-up', () =>
      startStageTargets(gate, {
        root: o.root,
        env,
        vars: {
          runDir: paths.runDir,
          scratchDir,
          restoredDatabaseUrl: drill?.restoredUrl ?? '',
          restoredDataDir: drill?.restoredDataDir ?? '',
        },
        children,
        signal: stopping.signal,
        // Only on what the drill restored: an empty placeholder the app uses blocks the start.
        drill: Boolean(drill),
      }),
    );
    secretValues = [...targets.secretValues, ...secretValues];
    o.onSecrets?.(secretValues);
    const { baseURL, startError } = targets;
    o.onEvent?.({ type: 'target', baseURL, embedded: !gate.baseURL });
    // The availability loop runs from here until the last check is judged.
    guards.targetUp(baseURL, startError ?? stopping.reason, targets.targetEnv);
    secretValues = [...secretValues, ...guards.secrets];
    o.onSecrets?.(secretValues);
    const urls = stageTargetURLs(gate, baseURL, targets.baselineURL);
    const providers = loaded.runbook.providers;
    // Started now: its first scrape takes seconds, and the suites run meanwhile.
    const metricsServer =
      o.metricsServer ??
      (gate.stage.metrics.length && !startError && !stopping.reason
        ? startMetricsServer(gate, providers, {
            root: o.root,
            env,
            urls,
            children,
            signal: stopping.signal,
            defer: teardown.defer,
          })
        : undefined);
    // The plan is needed only to collect: listing (niced) starts once the target is up, so it
    // never delays it, and the runners start at once beside it.
    const planned = planStage(o.root, gate.stage, env, o.shard?.spec).then((plan) => {
      const builtins =
        planBuiltins(gate.stage, gate.target).length +
        planMetrics(gate.stage, gate.targetName, loaded.runbook.providers).length +
        planGuards(gate.stage).length;
      o.onEvent?.({ type: 'planned', checks: builtins + plan.checks.length, problems: plan.problems.length });
      return plan;
    });
    // Signed in once for the run (when the target declares auth); every check then uses the session.
    // The account comes from the target's environment too (an embedded app's SMOKE_USER, say).
    const signIn = await signInStep({ baseURL, notRun: startError ?? stopping.reason }).run({
      ...ctx,
      env: { ...env, ...targets.targetEnv },
    });
    secretValues = [...secretValues, ...signIn.secrets];
    o.onSecrets?.(secretValues);
    const metrics = prepareMetrics(gate, providers, {
      root: o.root,
      env,
      urls,
      embedded: metricsServer,
      sessionFile: signIn.sessionFile,
      signal: stopping.signal,
    });
    const context = stageContext(gate, {
      baseURL,
      runId,
      runDir: paths.runDir,
      scratchDir,
      sessionFile: signIn.sessionFile,
    });
    // Maintenance mode on once signed in (operators' sessions pass it), before the built-in checks.
    const maintenanceOn = await guards.maintenanceOn(startError);
    const run: StepContext = {
      ...ctx,
      env: {
        ...env,
        ...targets.targetEnv,
        ROLLGATE_CONTEXT: JSON.stringify(context),
        ROLLGATE_RUN_ID: runId,
      },
    };
    // Built-ins first: nothing a golden path does (signing out, changing data) can blame the release.
    const builtins = await announced(o.onEvent, 'built-in checks', () =>
      builtinStep(context, startError ?? stopping.reason, {
        embedded: o.targetEmbedded ?? !gate.baseURL,
      }).run(run),
    );
    const notStarted = startError || stopping.reason;
    const outcomes: RunnerOutcome[] = notStarted
      ? [
          { kind: 'vitest', failure: notStarted },
          { kind: 'playwright', failure: notStarted },
        ]
      : await steps.runSuites(
          // Each runner's start and end, for live progress.
          (o.shard ? shardSuiteSteps(run, o.shard.spec) : steps.suiteSteps(run)).map((s) => ({
            ...s,
            run: (c: StepContext) => announced(o.onEvent, s.kind, () => s.run(c)),
          })),
          run,
          (runners, parallel) => o.onEvent?.({ type: 'running', runners, parallel }),
        );
    // Off again after the suites, before the load.
    const maintenanceOff = await guards.maintenanceOff(startError);
    let checks = [
      ...(signIn.check ? [signIn.check] : []),
      ...maintenanceOn,
      ...builtins,
      ...collect(await planned, outcomes, gate.stage, stopping.reason),
      ...maintenanceOff,
    ];
    if (gate.stage.load || gate.k6Summary) {
      if (o.loadProfile && !gate.k6Summary && !startError && !stopping.reason)
        o.onEvent?.({ type: 'load', ...describeLoad(gate.stage, o.loadProfile) });
      const notRun = gate.k6Summary ? stopping.reason : (startError ?? stopping.reason);
      checks.push(
        await announced(o.onEvent, 'load', () =>
          steps
            .loadStep(o.loadProfile, targets, notRun, {
              beforeTraffic: metrics?.beforeTraffic,
              onSent: metrics?.onSent,
            })
            .run(run),
        ),
      );
    }
    // After the load, on what it sent: each check waits for a scrape newer than the load's end.
    if (metrics) {
      checks.push(
        ...(await announced(o.onEvent, 'metric checks', () =>
          metrics.step(startError ?? stopping.reason).run(run),
        )),
      );
      secretValues = [...secretValues, ...metrics.secrets()];
      o.onSecrets?.(secretValues);
    }
    // The availability loop ends here, before release: its window is the whole stage.
    checks.push(...(await guards.availability(startError)));
    checks = steps.withDrillChecks(ctx, drill, checks, performance.now() - drillStarted);
    // A shard measured only part of the stage: the merge judges the budgets on every shard's checks.
    if (!o.shard) checks.push(...unmeasuredBudgetChecks(gate, loaded.runbook, checks));
    await release();
    const decided = await decideRun(ctx, {
      runbook: loaded.runbook.name,
      governance,
      checks,
      baseURL,
      startedMono,
      runbookFile: loaded.file,
    });
    const shard = o.shard && {
      checks,
      governance,
      planned: (await planned).checks.filter((c) => c.kind === 'playwright'),
    };
    return { ...decided, runDir: paths.runDir, secretValues, ...(shard ? { shard } : {}) };
  } finally {
    await release();
  }
}
