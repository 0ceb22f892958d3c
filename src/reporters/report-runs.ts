import { existsSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { Verdict } from '../model/verdict.ts';

/** A run kept under `reports/runs/`: its folder and its verdict. */
export interface KeptRun {
  runId: string;
  dir: string;
  verdict: Verdict;
  /** verdict.json's modification time: the tie-break between runs that finished at the same instant. */
  mtimeMs: number;
}

/**
 * Every run under `<reportsDir>/runs/` that has a valid verdict.json, oldest first (by the
 * verdict's finishedAt, then by when verdict.json was written). A folder without one (a run still
 * going, or one that could not be recorded) is not a run yet: never listed, never pruned.
 */
export function keptRuns(reportsDir: string): KeptRun[] {
  const runsDir = path.join(reportsDir, 'runs');
  if (!existsSync(runsDir)) return [];
  const runs: KeptRun[] = [];
  for (const entry of readdirSync(runsDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(runsDir, entry.name);
    const file = path.join(dir, 'verdict.json');
    if (!existsSync(file)) continue;
    try {
      const parsed = Verdict.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (!parsed.success) continue;
      runs.push({ runId: entry.name, dir, verdict: parsed.data, mtimeMs: statSync(file).mtimeMs });
    } catch {
      // Unreadable or half-written (another gate is writing it): not a run to show or prune.
    }
  }
  return runs.sort(
    (a, b) =>
      Date.parse(a.verdict.finishedAt) - Date.parse(b.verdict.finishedAt) ||
      a.mtimeMs - b.mtimeMs ||
      a.runId.localeCompare(b.runId),
  );
}

/** The run folder `reports/latest` points at, resolved; undefined when there is none. */
export function latestRunDir(reportsDir: string): string | undefined {
  try {
    return realpathSync(path.join(reportsDir, 'latest'));
  } catch {
    return undefined;
  }
}

/** The newest run of each runbook and stage, in the order of {@link keptRuns}. */
export function newestPerStage(runs: readonly KeptRun[]): KeptRun[] {
  const newest = new Map<string, KeptRun>();
  for (const r of runs) newest.set(`${r.verdict.runbook}\u0000${r.verdict.stage}`, r);
  return runs.filter((r) => newest.get(`${r.verdict.runbook}\u0000${r.verdict.stage}`) === r);
}

/**
 * Retention: keeps the newest `retain` runs of each runbook and stage under `runs/` and removes
 * older ones, oldest first, so a stage gated rarely keeps its runs while another is gated often.
 * Never the run `latest` points at, nor `keep` (the run just published). Run after the ledger
 * line, so a pruned run is still in the ledger and in history.jsonl. Returns the removed run ids.
 */
export function pruneRuns(reportsDir: string, retain: number, keep?: string): string[] {
  const byStage = new Map<string, KeptRun[]>();
  for (const r of keptRuns(reportsDir)) {
    const key = `${r.verdict.runbook}\u0000${r.verdict.stage}`;
    byStage.set(key, [...(byStage.get(key) ?? []), r]);
  }
  const latest = latestRunDir(reportsDir);
  const kept = keep ? safeRealpath(keep) : undefined;
  const removed: string[] = [];
  for (const runs of byStage.values()) {
    let excess = runs.length - retain;
    for (const run of runs) {
      if (excess <= 0) break;
      const real = safeRealpath(run.dir);
      if (real === latest || real === kept) continue;
      rmSync(run.dir, { recursive: true, force: true });
      removed.push(run.runId);
      excess--;
    }
  }
  return removed;
}

function safeRealpath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}
