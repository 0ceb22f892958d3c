import { RollgateError } from '../../config/errors.ts';
import { isWatchRun } from '../../engine/watch/watch-span.ts';
import type { LedgerEntry } from '../../model/ledger-entry.ts';
import type { Verdict } from '../../model/verdict.ts';
import { type RunFolder, readRunFolder } from './run-folder.ts';

/**
 * The earlier stages a verdict relied on: its `requires/<stage>` checks (the engine's
 * governance step makes them, titled `<stage> promoted release …`). The drill and watch
 * requirements are not stage runs of this release and are left out.
 */
export function requiredStages(v: Verdict): string[] {
  const stages: string[] = [];
  for (const c of v.checks) {
    if (c.kind !== 'harness' || !c.id.startsWith('requires/')) continue;
    const stage = c.id.slice('requires/'.length);
    if (c.title.startsWith(`${stage} promoted release `) && !stages.includes(stage)) stages.push(stage);
  }
  return stages;
}

export interface RequiredRuns {
  runs: RunFolder[];
  /** One line per required stage whose run could not be bundled, saying why. */
  unavailable: string[];
}

/**
 * For each stage the verdict required: the latest PROMOTE of that stage for the same release in
 * the ledger, before the run's own line (what the gate could have read), whose run folder is still
 * there. What is missing is said, not guessed around.
 */
export function requiredRuns(v: Verdict, ledger: readonly LedgerEntry[], reportsDir: string): RequiredRuns {
  const own = ledger.findIndex((e) => e.runId === v.runId);
  const before = own >= 0 ? ledger.slice(0, own) : ledger;
  const out: RequiredRuns = { runs: [], unavailable: [] };
  for (const stage of requiredStages(v)) {
    const release = v.target.version;
    const entry = before
      .filter((e) => e.stage === stage && e.release === release && e.verdict === 'promote' && !isWatchRun(e))
      .at(-1);
    if (!entry) {
      out.unavailable.push(`${stage}: no PROMOTE of release ${release} in the ledger before run ${v.runId}`);
      continue;
    }
    try {
      const run = readRunFolder(reportsDir, entry.runId);
      if (run.verdict.runId !== entry.runId || run.verdict.stage !== stage)
        out.unavailable.push(
          `${stage}: run folder ${entry.runId} holds run ${run.verdict.runId} of stage ${run.verdict.stage}, not the ledger's PROMOTE`,
        );
      else out.runs.push(run);
    } catch (error) {
      if (!(error instanceof RollgateError)) throw error;
      const gone = /no such run/.test(error.message);
      out.unavailable.push(
        `${stage}: PROMOTE run ${entry.runId} (finished ${entry.finishedAt}) has no readable run folder here ${gone ? '(pruned by retention, or run on another machine)' : `(${error.message})`}`,
      );
    }
  }
  return out;
}
