import { createHash } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
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

type HistoryEntry = HistoryPoint['testResults'][string];

/** `reports/history.jsonl`: one point per published run, oldest first. */
export const historyFile = (reportsDir: string) => path.join(reportsDir, 'history.jsonl');

/** Points a report shows (and Allure reads); the file is trimmed to this once it holds twice as many. */
export const HISTORY_LIMIT = 50;

/** A point's name, for people reading history.jsonl: `demo/canary 0.1.0: HOLD (20261130T…-a1b2c3)`. */
export function pointName(v: Verdict): string {
  return `${v.runbook}/${v.stage} ${v.target.version}: ${v.verdict.toUpperCase()} (${v.runId})`;
}

/** What rollgate writes as an Allure result, as far as history reads it. */
interface WrittenResult {
  uuid: string;
  name: string;
  fullName?: string;
  status: string;
  statusDetails?: { message?: string; trace?: string };
  start: number;
  stop: number;
  labels: { name: string; value: string }[];
  parameters?: { name: string; value: string; excluded?: boolean }[];
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** Allure 3's test case id: from the `AS_ID` (or `ALLURE_ID`) label rollgate gives every result. */
function testCaseId(r: WrittenResult): string | undefined {
  const id = r.labels.find((l) => (l.name === 'ALLURE_ID' || l.name === 'AS_ID') && l.value !== '-1')?.value;
  return id ? md5(`ALLURE_ID=${id}`) : undefined;
}

/** Allure 3's history id: the test case id, and the md5 of the parameters not `excluded`, sorted. */
function historyId(r: WrittenResult, caseId: string): string {
  const params = (r.parameters ?? [])
    .filter((p) => p.name && !p.excluded)
    .sort((a, b) => a.name.localeCompare(b.name) || a.value.localeCompare(b.value))
    .map((p) => `${p.name}:${p.value}`)
    .join(',');
  return `${caseId}.${md5(params)}`;
}

/** Every `*-result.json` of a results folder, oldest first as Allure reads them. */
function readResults(dir: string): WrittenResult[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('-result.json'))
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as WrittenResult);
}

/**
 * One run's history point, in Allure 3.18's history format (what its `createHistory` makes of the
 * same results: test case and history ids derived as Allure derives them, one entry per history
 * id), from the run's allure-results and its run-level verdict result. Built without loading
 * Allure (most of a second at every gate's end); test/unit/allure-history.test.ts holds it equal
 * to Allure's own. Keyed by the run id and timed by the verdict, so a report can tell which point
 * is which run.
 */
export async function historyPoint(
  v: Verdict,
  resultsDir: string | undefined,
  mask: (s: string) => string,
): Promise<HistoryPoint> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'rollgate-history-'));
  try {
    writeVerdictResult(v, scratch, mask);
    const results = [...(resultsDir ? readResults(resultsDir) : []), ...readResults(scratch)];
    const knownTestCaseIds: string[] = [];
    const testResults: HistoryPoint['testResults'] = {};
    for (const r of results) {
      const caseId = testCaseId(r);
      if (!caseId) continue;
      if (!knownTestCaseIds.includes(caseId)) knownTestCaseIds.push(caseId);
      const id = historyId(r, caseId);
      const stop = Math.max(r.stop, r.start);
      // As Allure writes it: message and trace beside the fields its type declares.
      const entry = {
        id: md5(r.uuid),
        name: r.name || 'Unknown test',
        fullName: r.fullName,
        environment: 'default',
        status: (r.status ?? 'unknown') as HistoryEntry['status'],
        message: r.statusDetails?.message,
        trace: r.statusDetails?.trace,
        start: r.start,
        stop,
        duration: stop - r.start,
        labels: r.labels,
        url: '',
        historyId: id,
        reportLinks: [],
      };
      testResults[id] = entry;
    }
    return {
      uuid: v.runId,
      name: pointName(v),
      timestamp: Date.parse(v.finishedAt),
      knownTestCaseIds,
      testResults,
      metrics: {},
      url: '',
    };
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
