import { mkdirSync } from 'node:fs';
import type { LoadedRunbook } from '../../config/load-runbook.ts';
import type { ResolvedGate } from '../../config/options.ts';
import { reportPaths } from '../../config/paths.ts';
import type { CheckResult } from '../../model/check-result.ts';
import type { Verdict } from '../../model/verdict.ts';
import { suiteProblemCheck } from '../collect.ts';
import { planStage } from '../plan.ts';
import { newRunId, unmeasuredBudgetChecks } from '../run-gate.ts';
import { decideRun } from '../steps/decide.ts';
import type { Stopping } from '../stop-signals.ts';
import type { Store } from '../store/store.ts';
import { gatherShards } from './gather.ts';
import { mergeBlobReports } from './merge-reports.ts';
import { interruptedShards, mergeShardChecks, type ShardInput } from './merge-shards.ts';
import { goldenPathsOnly } from './shard-stage.ts';

export interface MergeRunOptions {
  root: string;
  loaded: LoadedRunbook;
  /** The stage as the shards ran it: their release, target and command-line overrides. */
  gate: ResolvedGate;
  store: Store;
  shards: readonly ShardInput[];
  env: NodeJS.ProcessEnv;
  say?: (line: string) => void;
}

export interface MergeRunResult {
  verdict: Verdict;
  warnings: string[];
  runDir: string;
  /** The merged Playwright HTML report, when the shards left blob reports and the merge succeeded. */
  report?: string;
  /** Why Playwright's merge-reports failed: a report missing, never a different verdict. */
  reportError?: string;
}

/** A stop that already happened (a shard's), or none: the merge itself runs nothing to stop. */
function stopped(reason: string | undefined): Stopping {
  return { signal: new AbortController().signal, reason, stop: () => {}, dispose: () => {} };
}

/** The stage's golden paths as this checkout lists them, and a listing that failed as errored checks. */
async function fullPlan(o: MergeRunOptions) {
  const plan = await planStage(o.root, goldenPathsOnly(o.gate.stage), o.env);
  const problems = plan.problems.map((p) =>
    suiteProblemCheck(
      p,
      `${p.message} (listed by rollgate merge, for the full plan of the stage's golden paths)`,
    ),
  );
  return { planned: plan.checks.filter((c) => c.kind === 'playwright'), problems };
}

/**
 * `rollgate merge`: the shards' results as one run of the stage, in a run folder of its own
 * (`reports/runs/<run-id>/`, with each shard's evidence under `playwright/shard-<i>/` and
 * `evidence/shard-<i>/`, the rest under `shards/<i>/`, and Playwright's merged report under
 * `playwright-report/`). Checks are merged (see mergeShardChecks), the budgets no
 * check measured are judged on all of them, and the verdict is decided as an unsharded gate's:
 * shard 1's governance, the store's waivers, the stage's policy. Writing it is the reporters' job.
 */
export async function mergeRun(o: MergeRunOptions): Promise<MergeRunResult> {
  const { gate } = o;
  const starts = o.shards.map((s) => Date.parse(s.result.startedAt));
  const ends = o.shards.map((s) => Date.parse(s.result.finishedAt));
  const now = gate.clock.now();
  const started = starts.length ? new Date(Math.min(...starts)) : now;
  const runId = newRunId(now);
  const { runDir } = reportPaths(gate.reportsDir, runId);
  mkdirSync(runDir, { recursive: true });
  const [plan, gathered] = await Promise.all([fullPlan(o), Promise.resolve(gatherShards(o.shards, runDir))]);
  const merged = gathered.blobDir
    ? await mergeBlobReports({ root: o.root, blobDir: gathered.blobDir, runDir, env: o.env })
    : undefined;
  const checks = mergeShardChecks(gathered.shards, plan.planned);
  const ids = new Set(checks.map((c) => c.id));
  checks.push(...plan.problems.filter((p) => !ids.has(p.id)));
  checks.push(...unmeasuredBudgetChecks(gate, o.loaded.runbook, checks));
  const first = gathered.shards.find((s) => s.result.shard.index === 1)?.result;
  // The run spans the shards and the merge: from the first shard's start until it is decided here,
  // so it is dated when it is recorded (retention and the report order runs by that), never earlier.
  const spanMs = Math.max(0, Math.max(...ends, now.getTime()) - started.getTime());
  const decided = await decideRun(
    { gate, runId, now: started, store: o.store, stopping: stopped(interruptedShards(gathered.shards)) },
    {
      runbook: o.loaded.runbook.name,
      // Shard 1's governance, as the run judged it (the sign-offs bound to its runbook, stage and release).
      governance: first?.governance
        ? {
            ...first.governance,
            signoffs: first.governance.signoffs.map((g) => ({
              ...g,
              runbook: first.runbook,
              stage: first.stage,
              release: first.release,
            })),
          }
        : { checks: [], signoffs: [] },
      checks,
      baseURL: first?.target.baseURL ?? o.shards[0]?.result.target.baseURL ?? '',
      startedMono: performance.now() - spanMs,
      runbookFile: o.loaded.file,
    },
  );
  return {
    ...decided,
    runDir,
    ...(merged && 'report' in merged ? { report: merged.report } : {}),
    ...(merged && 'error' in merged ? { reportError: merged.error } : {}),
  };
}
