import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { processesOfRun } from '../../src/engine/children.ts';
import type { CheckResult } from '../../src/model/check-result.ts';
import { LedgerEntry } from '../../src/model/ledger-entry.ts';
import { Verdict } from '../../src/model/verdict.ts';
import { check, readVerdict, rollgate, tempReports } from '../e2e/helpers.ts';

const RUNBOOK = 'test/fixtures/metrics/watch.runbook.ts';
const BLOCKING = ['metrics/db-connections', 'metrics/up'];

const ledger = (reports: string) =>
  readFileSync(path.join(reports, 'ledger.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => LedgerEntry.parse(JSON.parse(l)));

const runVerdict = (reports: string, runId: string) =>
  Verdict.parse(JSON.parse(readFileSync(path.join(reports, 'runs', runId, 'verdict.json'), 'utf8')));

/** A check's evidence body by name, parsed as JSON. */
function evidenceJson<T>(c: CheckResult, name: string): T {
  const e = c.evidence.find((x) => x.name === name);
  if (!e?.body)
    throw new Error(`no evidence ${name} in ${c.id}: ${c.evidence.map((x) => x.name).join(', ')}`);
  return JSON.parse(e.body) as T;
}

interface Summary {
  actual: number;
  sides: { window: { start: string; end: string; seconds: number }; query: string; value: number }[];
}

const seconds = (iso: string) => Date.parse(iso) / 1000;
const passedAll = (v: Verdict) => BLOCKING.every((id) => check(v, id).status === 'passed');

/** Metric checks repeated by a watch series: one demo and one embedded Prometheus for every run. */
describe('metric checks in a watch series', () => {
  test('each run judges its own window on the series’ Prometheus and keeps its values; a window not yet filled is no data', async () => {
    const reports = tempReports();
    const r = await rollgate(['gate', 'soak', '--runbook', RUNBOOK], { ROLLGATE_REPORTS_DIR: reports });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toMatch(/every 3s for 6s \(3 runs\), failureLimit 1/);
    expect(r.stdout).toMatch(/^PROMOTE watch-metrics\/soak release 0\.1\.0$/m);

    const lines = ledger(reports);
    expect(lines.map((e) => e.watch?.index)).toEqual([1, 2, 3, undefined]);
    const series = readVerdict(reports);
    expect(series.checks.at(-1)).toMatchObject({ id: 'watch/series', status: 'passed' });
    // The series' Prometheus (and demo) stopped with it.
    expect(processesOfRun(series.runId)).toEqual([]);

    const runs = lines.slice(0, 3).map((e) => runVerdict(reports, e.runId));
    // A run whose window the Prometheus had not filled yet (the first: its first scrape comes
    // seconds after it starts) is no data, errored, never a pass; at most the one failure tolerated.
    const early = runs.filter((v) => !passedAll(v));
    expect(early.length).toBeLessThanOrEqual(1);
    // (Each check waits for its own fresh scrape: a later check of the same run may find the window filled.)
    for (const v of early)
      for (const id of BLOCKING.filter((x) => check(v, x).status !== 'passed'))
        expect(check(v, id)).toMatchObject({
          status: 'errored',
          code: 'ROLLGATE_NO_DATA',
          message: expect.stringMatching(/holds \d+ s of scrapes .* no data until the window is filled/),
        });
    for (const v of runs) {
      for (const id of BLOCKING.filter((x) => check(v, x).status === 'passed')) {
        const c = check(v, id);
        const m = c.measurements[0]!;
        expect(m.outcome).toBe('pass');
        const name = id.replace('/', '-');
        expect(c.evidence.map((e) => e.name)).toEqual(
          expect.arrayContaining([`${name}.svg`, `${name}.json`]),
        );
        // The evidence holds the measurement, judged on a window ending at a scrape taken during this run.
        const s = evidenceJson<Summary>(c, `${name}.json`);
        expect(s.actual).toBe(m.actual);
        expect(seconds(s.sides[0]!.window.end)).toBeGreaterThanOrEqual(seconds(v.startedAt));
        expect(seconds(s.sides[0]!.window.end)).toBeLessThanOrEqual(seconds(v.finishedAt));
      }
    }
    for (const v of runs.filter(passedAll)) {
      expect(check(v, 'metrics/up').measurements[0]!.actual).toBe(1);
      expect(check(v, 'metrics/db-connections').measurements[0]!.actual as number).toBeLessThan(50);
      const up = evidenceJson<Summary>(check(v, 'metrics/up'), 'metrics-up.json');
      expect(up.sides[0]!.window.seconds).toBe(3);
      expect(up.sides[0]!.query).toBe('max_over_time(up{rollgate_target="demo"}[3000ms])');
    }
    expect(runs.filter(passedAll).length).toBeGreaterThanOrEqual(2);

    // One Prometheus for the series: the last run's 4-second window holds the 3 successful scrapes
    // it needs, reaching back before that run started. A Prometheus started per run would have
    // scraped once at most by then (its first scrape comes seconds after it starts).
    const last = runs.at(-1)!;
    const history = check(last, 'metrics/history');
    expect(history, history.message).toMatchObject({ status: 'passed', blocking: false });
    const window = evidenceJson<Summary>(history, 'metrics-history.json').sides[0]!.window;
    expect(seconds(window.start)).toBeLessThan(seconds(last.startedAt));
    // Advisory: while its window was not filled it was no data, and the run still passed.
    for (const v of runs.filter(passedAll)) {
      const h = check(v, 'metrics/history');
      if (h.status !== 'passed')
        expect(h).toMatchObject({ status: 'errored', code: 'ROLLGATE_NO_DATA', blocking: false });
    }
  });
});
