import { availableParallelism } from 'node:os';
import type { LoadProfile } from '../../checks/load/index.ts';
import type { LoadedRunbook } from '../../config/load-runbook.ts';
import type { CheckResult } from '../../model/check-result.ts';
import type { RunnerOutcome } from '../collect.ts';
import type { StageTargets } from '../targets.ts';
import { type DrillRun, drillBudgets, prepareDrill } from './drill.ts';
import { type GovernanceResult, governanceChecks } from './governance.ts';
import { type LoadCounts, runLoadCheck } from './load-stage.ts';
import { runPlaywright, runVitest } from './runners.ts';
import type { Step, StepContext } from './step.ts';

/** Sign-offs, the deployment window and the stage order, read from the store. */
export const governanceStep = (loaded: LoadedRunbook, overrideWindow?: string): Step<GovernanceResult> => ({
  name: 'governance',
  run: (ctx) =>
    governanceChecks({
      runbook: loaded.runbook,
      runbookFile: loaded.file,
      runbookFoundBy: loaded.foundBy,
      stageName: ctx.gate.stageName,
      stage: ctx.gate.stage,
      release: ctx.gate.release,
      now: ctx.now,
      store: ctx.store,
      overrideWindow,
    }),
});

/** The drill's first half: the newest backup verified and restored; its scratch copy registered for teardown. */
export const drillStep: Step<DrillRun | undefined> = {
  name: 'drill',
  run: async (ctx) =>
    ctx.gate.stage.drill
      ? prepareDrill(ctx.gate.stage.drill, {
          root: ctx.root,
          runId: ctx.runId,
          env: ctx.env,
          now: ctx.now,
          store: ctx.store,
          defer: ctx.defer,
        })
      : undefined,
};

/** The drill's checks lead the run's; its RPO and RTO budgets (on the suites' checks) close them. */
export const withDrillChecks = (
  ctx: StepContext,
  drill: DrillRun | undefined,
  checks: CheckResult[],
  elapsedMs: number,
): CheckResult[] =>
  drill
    ? [
        ...drill.checks,
        ...checks,
        ...drillBudgets(ctx.gate.stage.drill!, drill, checks, ctx.gate.clock.now(), elapsedMs),
      ]
    : checks;

type SuiteStep = Step<RunnerOutcome> & { kind: RunnerOutcome['kind'] };

const runOptions = (ctx: StepContext) => ({
  root: ctx.root,
  runDir: ctx.runDir,
  env: ctx.env,
  children: ctx.children,
  onOutput: ctx.onOutput,
});

export const vitestStep: SuiteStep = {
  name: 'vitest',
  kind: 'vitest',
  run: (ctx) => runVitest(ctx.gate.stage, runOptions(ctx)),
};

export const playwrightStep: SuiteStep = {
  name: 'playwright',
  kind: 'playwright',
  run: (ctx) => runPlaywright(ctx.gate.stage, runOptions(ctx)),
};

/** The stage's runners: vitest for its suites, Playwright for its smoke specs. */
export const suiteSteps = (ctx: StepContext): SuiteStep[] => [
  ...(ctx.gate.stage.suites.length ? [vitestStep] : []),
  ...(ctx.gate.stage.smoke ? [playwrightStep] : []),
];

/**
 * Runs the suite steps. Side by side where there are cores to spare; on a small machine they
 * would only fight for the CPU (no faster, and browser timings such as web vitals get noisy): one
 * after the other, and a stop between them leaves the next one not run.
 */
export async function runSuites(
  steps: SuiteStep[],
  ctx: StepContext,
  announce: (runners: string[], parallel: boolean) => void,
): Promise<RunnerOutcome[]> {
  const parallel = availableParallelism() > 2;
  announce(
    steps.map((s) => s.kind),
    parallel,
  );
  if (parallel) return Promise.all(steps.map((s) => s.run(ctx)));
  const outcomes: RunnerOutcome[] = [];
  for (const s of steps) {
    const stopped = ctx.stopping.reason;
    outcomes.push(stopped ? { kind: s.kind, failure: stopped } : await s.run(ctx));
  }
  return outcomes;
}

/** Load after the suites, alone, so nothing else skews its latencies. */
export const loadStep = (
  profile: LoadProfile | undefined,
  targets: Pick<StageTargets, 'baseURL' | 'baselineURL' | 'baselineMissing'>,
  notRun: string | undefined,
  hooks: {
    beforeTraffic?: () => Promise<void>;
    onSent?: (counts: LoadCounts) => void;
  } = {},
): Step<CheckResult> => ({
  name: 'load',
  run: (ctx) =>
    runLoadCheck(ctx.gate.stage, ctx.gate.stageName, profile, {
      baseURL: targets.baseURL,
      baselineURL: targets.baselineURL,
      baselineMissing: targets.baselineMissing,
      env: ctx.env,
      runDir: ctx.runDir,
      notRun,
      k6Summary: ctx.gate.k6Summary,
      ...hooks,
    }),
});
