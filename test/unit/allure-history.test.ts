import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AllureReport, createHistory, resolveConfig } from '@allurereport/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createMasker } from '../../src/config/mask.ts';
import { writeAllure, writeVerdictResult } from '../../src/reporters/allure.ts';
import {
  appendHistory,
  HISTORY_LIMIT,
  type HistoryPoint,
  historyPoint,
  pointName,
  readHistory,
} from '../../src/reporters/allure-history.ts';
import { makeCheck, makeMeasurement, makeVerdict, tempDirs } from './helpers.ts';

const dirs = tempDirs('rollgate-allure-history-');
afterAll(() => dirs.cleanup());

const mask = createMasker(['s3cret-token']);

/** A HOLD with every status, codes (a trace), measurements, evidence, a waiver and a sign-off. */
function verdict() {
  return makeVerdict(
    [
      makeCheck({ id: 'ok' }),
      makeCheck({
        id: 'slow',
        kind: 'load',
        status: 'failed',
        message: 'too slow',
        measurements: [makeMeasurement(), makeMeasurement({ actual: 812, passed: false, outcome: 'fail' })],
      }),
      makeCheck({
        id: 'down',
        status: 'errored',
        code: 'ROLLGATE_TARGET_UNREACHABLE',
        message: 'Authorization s3cret-token refused',
        evidence: [{ name: 'response', contentType: 'text/plain', body: 'HTTP/1.1 401' }],
      }),
      makeCheck({ id: 'na', status: 'skipped', notApplicable: 'no backups' }),
      makeCheck({ id: 'retry', status: 'flaky' }),
      makeCheck({
        id: 'accepted',
        status: 'waived',
        waiver: { by: 'dana', reason: 'known', expires: '2026-04-01', at: '2026-03-08T06:00:00Z' },
      }),
    ],
    {
      verdict: 'hold',
      reasons: ['slow failed', 'down errored'],
      signoffs: [{ title: 'Security approval', by: 'sam', at: '2026-03-08T06:10:00Z' }],
    },
  );
}

/** The point Allure itself makes of the same results: its store reads them, its createHistory builds it. */
async function allurePoint(v: ReturnType<typeof verdict>, resultsDir: string): Promise<HistoryPoint> {
  const scratch = dirs.make();
  const verdictDir = path.join(scratch, 'verdict');
  writeVerdictResult(v, verdictDir, mask);
  const config = await resolveConfig(
    { name: pointName(v), output: path.join(scratch, 'out'), open: false, appendHistory: false },
    { cwd: scratch, plugins: {} },
  );
  const report = new AllureReport(config);
  await report.start();
  await report.readDirectory(resultsDir);
  await report.readDirectory(verdictDir);
  const point = createHistory(
    v.runId,
    pointName(v),
    await report.store.allTestCases(),
    await report.store.allTestResults(),
    '',
  );
  await report.done();
  return point;
}

/** As stored (JSON), without what differs by construction: result ids (random uuids) and the time. */
function comparable(p: HistoryPoint) {
  const stored = JSON.parse(JSON.stringify(p)) as HistoryPoint;
  return {
    uuid: stored.uuid,
    name: stored.name,
    knownTestCaseIds: [...stored.knownTestCaseIds].sort(),
    testResults: Object.fromEntries(
      Object.entries(stored.testResults)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, { id: _id, ...rest }]) => [k, rest]),
    ),
    metrics: stored.metrics,
    url: stored.url,
  };
}

describe('historyPoint', () => {
  it("equals Allure 3's own history point of the same results, so history ids match the report's", async () => {
    const v = verdict();
    const results = writeAllure(v, dirs.make(), mask);
    const ours = await historyPoint(v, results, mask);
    const theirs = await allurePoint(v, results);
    expect(Object.keys(ours.testResults)).toHaveLength(7);
    expect(comparable(ours)).toEqual(comparable(theirs));
    expect(ours.timestamp).toBe(Date.parse(v.finishedAt));
  });

  it('keys the point by run id and names it by stage, release and verdict', async () => {
    const p = await historyPoint(makeVerdict(), undefined, mask);
    expect(p.uuid).toBe('20260308T063000Z-abc123');
    expect(p.name).toBe('demo/canary 1.2.3: PROMOTE (20260308T063000Z-abc123)');
    // Without allure-results (its reporter failed), the run is still in history: its verdict result.
    expect(Object.values(p.testResults).map((t) => [t.name, t.status])).toEqual([
      ['demo/canary verdict: PROMOTE (release 1.2.3)', 'passed'],
    ]);
  });
});

describe('history.jsonl', () => {
  const point = (uuid: string, timestamp = 1): HistoryPoint => ({
    uuid,
    name: uuid,
    timestamp,
    knownTestCaseIds: [],
    testResults: {},
    metrics: {},
    url: '',
  });

  it('appends one line per point and reads them back, skipping a torn line', () => {
    const file = path.join(dirs.make(), 'history.jsonl');
    appendHistory(file, point('a'));
    appendFileSync(file, '{"uuid":"torn","na');
    appendHistory(file, point('b'));
    expect(readHistory(file).map((p) => p.uuid)).toEqual(['a', 'b']);
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(4);
  });

  it(`stays bounded: past ${2 * HISTORY_LIMIT} points it keeps the newest ${HISTORY_LIMIT}`, () => {
    const file = path.join(dirs.make(), 'history.jsonl');
    writeFileSync(file, '');
    for (let i = 1; i <= 2 * HISTORY_LIMIT; i++) appendHistory(file, point(`p${i}`, i));
    expect(readHistory(file)).toHaveLength(2 * HISTORY_LIMIT);
    appendHistory(file, point('newest'));
    const kept = readHistory(file).map((p) => p.uuid);
    expect(kept).toHaveLength(HISTORY_LIMIT);
    expect(kept.at(0)).toBe(`p${HISTORY_LIMIT + 2}`);
    expect(kept.at(-1)).toBe('newest');
  });

  it('reads nothing from a missing file', () => {
    expect(readHistory(path.join(dirs.make(), 'none.jsonl'))).toEqual([]);
  });
});
