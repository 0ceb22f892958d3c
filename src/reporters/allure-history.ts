import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Verdict } from '../model/verdict.ts';
import { writeVerdictResult } from './allure.ts';

/** One line of Allure's history jsonl: a run, with its results by history id. */
export type HistoryPoint = ReturnType<typeof import('@allurereport/core').createHistory>;

/** `reports/history.jsonl`: one point per published run, oldest first. */
export const historyFile = (reportsDir: string) => path.join(reportsDir, 'history.jsonl');

/** Points a report shows (and Allure reads); the file is trimmed to this once it holds twice as many. */
export const HISTORY_LIMIT = 50;

/** The trend's label of a run: `demo/canary 0.1.0: HOLD (20261130T…-a1b2c3)`. */
export function pointName(v: Verdict): string {
  return `${v.runbook}/${v.stage} ${v.target.version}: ${v.verdict.toUpperCase()} (${v.runId})`;
}

/**
 * One run's history point, made by Allure itself: its store reads the run's allure-results (and the
 * run-level verdict result) and its createHistory builds the point, so history ids and statuses
 * are exactly those the report computes. Keyed by the run id and timed by the verdict, so a report
 * can tell which point is which run.
 */
export async function historyPoint(
  v: Verdict,
  resultsDir: string | undefined,
  mask: (s: string) => string,
): Promise<HistoryPoint> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'rollgate-history-'));
  try {
    const verdictDir = path.join(scratch, 'verdict-results');
    writeVerdictResult(v, verdictDir, mask);
    const { AllureReport, createHistory, resolveConfig } = await import('@allurereport/core');
    // No plugins: nothing is rendered, only Allure's store is used. Paths absolute, cwd pinned.
    const config = await resolveConfig(
      { name: pointName(v), output: path.join(scratch, 'out'), open: false, appendHistory: false },
      { cwd: scratch, plugins: {} },
    );
    const report = new AllureReport(config);
    await report.start();
    if (resultsDir && existsSync(resultsDir)) await report.readDirectory(resultsDir);
    await report.readDirectory(verdictDir);
    const point = createHistory(
      v.runId,
      pointName(v),
      await report.store.allTestCases(),
      await report.store.allTestResults(),
      '',
    );
    await report.done();
    return { ...point, timestamp: Date.parse(v.finishedAt) };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Reads a history jsonl; a line that is not a point (a torn append) is skipped. */
export function readHistory(file: string): HistoryPoint[] {
  if (!existsSync(file)) return [];
  const points: HistoryPoint[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const p = JSON.parse(line) as HistoryPoint;
      if (p && typeof p.uuid === 'string' && p.testResults && typeof p.timestamp === 'number') points.push(p);
    } catch {
      // A crash cut an append short: the other points still stand.
    }
  }
  return points;
}

/**
 * Appends a point as one write (O_APPEND: two gates finishing at once each add their whole line).
 * Past twice {@link HISTORY_LIMIT} points the file is rewritten aside and renamed to the newest
 * HISTORY_LIMIT, so it stays bounded; the ledger, not this file, is the record of every run.
 */
export function appendHistory(file: string, point: HistoryPoint): void {
  mkdirSync(path.dirname(file), { recursive: true });
  // After a torn last line, start a new one: the torn bytes stay one skipped line, not two.
  appendFileSync(file, `${endsTorn(file) ? '\n' : ''}${JSON.stringify(point)}\n`);
  const points = readHistory(file);
  if (points.length > 2 * HISTORY_LIMIT) {
    const aside = `${file}.${process.pid}.tmp`;
    writeFileSync(
      aside,
      points
        .slice(-HISTORY_LIMIT)
        .map((p) => `${JSON.stringify(p)}\n`)
        .join(''),
    );
    renameSync(aside, file);
  }
}

function endsTorn(file: string): boolean {
  if (!existsSync(file)) return false;
  const size = statSync(file).size;
  if (size === 0) return false;
  const fd = openSync(file, 'r');
  try {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    closeSync(fd);
  }
}

/** Publishes a run into the history: its point, appended. */
export async function recordHistory(
  v: Verdict,
  runDir: string,
  reportsDir: string,
  mask: (s: string) => string,
): Promise<void> {
  appendHistory(historyFile(reportsDir), await historyPoint(v, path.join(runDir, 'allure-results'), mask));
}
