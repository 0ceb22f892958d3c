import { existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeVerdictResult } from './allure.ts';
import {
  HISTORY_LIMIT,
  type HistoryPoint,
  historyFile,
  historyPoint,
  readHistory,
} from './allure-history.ts';
import { buildHtmlReport } from './html-report.ts';
import { type KeptRun, keptRuns, newestPerStage } from './report-runs.ts';

export interface RunsReport {
  file: string;
  /** Runs under runs/ the report read. */
  runs: KeptRun[];
  /** The newest run of each stage: the report's tests. */
  shown: KeptRun[];
  /** Earlier runs in the report's history and trend, oldest first (pruned ones included). */
  history: { uuid: string; name: string }[];
}

/** verdict.json files were masked when they were written; the report adds nothing new to mask. */
const asWritten = (s: string) => s;

/**
 * The history a report shows: every point of history.jsonl, plus a point made now for a kept run
 * that has none (published before runs entered the history at publish), minus the runs the report
 * shows as its tests (a run is never its own history), oldest first, the newest HISTORY_LIMIT.
 */
async function reportHistory(reportsDir: string, runs: KeptRun[], shown: KeptRun[]): Promise<HistoryPoint[]> {
  const points = readHistory(historyFile(reportsDir));
  const known = new Set(points.map((p) => p.uuid));
  const current = new Set(shown.map((r) => r.verdict.runId));
  for (const run of runs) {
    if (known.has(run.verdict.runId) || current.has(run.verdict.runId)) continue;
    points.push(await historyPoint(run.verdict, path.join(run.dir, 'allure-results'), asWritten));
  }
  return points
    .filter((p) => !current.has(p.uuid))
    .sort((a, b) => a.timestamp - b.timestamp)
    .slice(-HISTORY_LIMIT);
}

/**
 * `rollgate report`: one single-file HTML over every run kept under `runs/`. The newest run of
 * each runbook and stage is shown as the tests, with a run-level verdict result each; every
 * earlier run (kept, or pruned but in history.jsonl) is in each test's history, in the verdict
 * result's history, and a bar of the trend (Status dynamics, keyed by its run id).
 */
export async function buildRunsReport(o: {
  reportsDir: string;
  outDir: string;
}): Promise<RunsReport | undefined> {
  const runs = keptRuns(o.reportsDir);
  if (!runs.length) return undefined;
  const shown = newestPerStage(runs);
  const scratch = await mkdtemp(path.join(tmpdir(), 'rollgate-report-'));
  try {
    const resultsDirs: string[] = [];
    shown.forEach((run, i) => {
      // A run whose Allure reporter failed has no allure-results: its verdict result still shows it.
      const results = path.join(run.dir, 'allure-results');
      if (existsSync(results)) resultsDirs.push(results);
      const verdictDir = path.join(scratch, `verdict-${i}`);
      writeVerdictResult(run.verdict, verdictDir, asWritten);
      resultsDirs.push(verdictDir);
    });
    const history = await reportHistory(o.reportsDir, runs, shown);
    const historyCopy = path.join(scratch, 'history.jsonl');
    writeFileSync(historyCopy, history.map((p) => `${JSON.stringify(p)}\n`).join(''));
    const { file } = await buildHtmlReport({
      resultsDirs,
      outDir: o.outDir,
      historyFile: historyCopy,
      appendHistory: false,
      name: 'rollgate',
    });
    return { file, runs, shown, history: history.map(({ uuid, name }) => ({ uuid, name })) };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
