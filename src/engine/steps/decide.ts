import type { CheckResult } from '../../model/check-result.ts';
import { summarize, VERDICT_SCHEMA_VERSION, type Verdict } from '../../model/verdict.ts';
import { decide } from '../policy.ts';
import { runbookGit } from '../runbook-git.ts';
import { validChecks } from '../valid-checks.ts';
import { applyWaivers, type GovernanceResult } from './governance.ts';
import type { StepContext } from './step.ts';

export interface DecideInput {
  runbook: string;
  governance: GovernanceResult;
  /** Every other check of the run: drill, suites, load. */
  checks: CheckResult[];
  baseURL: string;
  /** `performance.now()` when the run started: its duration is monotonic, whatever the clock says. */
  startedMono: number;
  /** The runbook's file: its git revision goes in the verdict (absent outside git). */
  runbookFile?: string;
}

/**
 * The last step, once everything is released: waivers from the store, every check validated,
 * the policy's verdict.
 */
export async function decideRun(
  ctx: Pick<StepContext, 'gate' | 'runId' | 'now' | 'store' | 'stopping'>,
  d: DecideInput,
): Promise<{ verdict: Verdict; warnings: string[] }> {
  const { gate, now: started } = ctx;
  const waivers = await ctx.store.waivers(d.runbook, gate.stageName, gate.release);
  let checks = applyWaivers([...d.governance.checks, ...d.checks], waivers, gate.clock.now());
  checks = validChecks(checks); // load, drill and governance checks too: one bad value errors one check
  const decision = decide(checks, gate.stage, ctx.stopping.reason);
  const git = await runbookGit(d.runbookFile);
  const finished = new Date(started.getTime() + (performance.now() - d.startedMono));
  const verdict: Verdict = {
    schemaVersion: VERDICT_SCHEMA_VERSION,
    runId: ctx.runId,
    runbook: d.runbook,
    stage: gate.stageName,
    verdict: decision.verdict,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: Math.round(finished.getTime() - started.getTime()),
    target: { baseURL: d.baseURL, version: gate.release, embedded: !gate.baseURL },
    checks,
    summary: summarize(checks),
    reasons: decision.reasons,
    interrupted: ctx.stopping.reason,
    signoffs: d.governance.signoffs.map(({ title, role, by, at, note }) => ({ title, role, by, at, note })),
    windowOverride: d.governance.windowOverride,
    overrides: gate.overrides,
    clock: gate.clock.fixed ? { fixed: true, now: started.toISOString() } : undefined,
    ...(git ? { runbookGit: git } : {}),
  };
  return { verdict, warnings: decision.warnings };
}
