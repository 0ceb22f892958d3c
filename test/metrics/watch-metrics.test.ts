import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { processesOfRun } from '../../src/engine/children.ts';
import type { CheckResult } from '../../src/model/check-result.ts';
import { LedgerEntry } from '../../src/model/ledger-entry.ts';
import { Verdict } from '../../src/model/verdict.ts';
import { check, readVerdict, rollgate, tempReports } from '../e2e/helpers.ts';

const RUNBOOK = 'test/fixtures/metrics/watch.runbook.ts';
const METRICS = ['metrics/db-connections', 'metrics/up', 'metrics/scraped'];

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
type Answer = { answer: { data: { result: { values?: [number, string][] }[] } } }[];

const seconds = (iso: string) => Date.parse(iso) / 1000;

/** Metric checks repeated by a watch series: one demo and one embedded Prometheus for every run. */
describe('metric checks in a watch series', () => {
  test('each run judges its own window on the series’ Prometheus and keeps its values; the series PROMOTEs', async () => {
    const reports = tempReports();
    const r = await rollgate(['gate', 'soak', '--runbook', RUNBOOK], { ROLLGATE_REPORTS_DIR: reports });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.stdout).toMatch(/every 3s for 6s \(3 runs\), failureLimit 0/);
    expect(r.stdout).toMatch(/^watch soak 3\/3 · PROMOTE (\d+)\/\1 · failures 0 \(limit 0\)/m);
    expect(r.stdout).toMatch(/^PROMOTE watch-metrics\/soak release 0\.1\.0$/m);

    const lines = ledger(reports);
    expect(lines.map((e) => [e.verdict, e.watch?.index])).toEqual([
      ['promote', 1],
      ['promote', 2],
      ['promote', 3],
      ['promote', undefined],
    ]);
    const series = readVerdict(reports);
    expect(series.checks.map((c) => [c.id, c.status])).toEqual([
      ['watch/run-1', 'passed'],
      ['watch/run-2', 'passed'],
      ['watch/run-3', 'passed'],
      ['watch/series', 'passed'],
    ]);
    // The series' Prometheus (and demo) stopped with it.
    expect(processesOfRun(series.runId)).toEqual([]);

    const runs = lines.slice(0, 3).map((e) => runVerdict(reports, e.runId));
    for (const v of runs) {
      for (const id of METRICS) {
        const c = check(v, id);
        expect(c, `${v.runId} ${id}: ${c.message}`).toMatchObject({ status: 'passed', kind: 'metrics' });
        const m = c.measurements[0]!;
        expect(m.outcome).toBe('pass');
        expect(Number.isFinite(m.actual)).toBe(true);
        expect(c.evidence.map((e) => e.name)).toEqual(
          expect.arrayContaining([`${id.replace('/', '-')}.svg`, `${id.replace('/', '-')}.json`]),
        );
        // The evidence holds the measurement, judged on a window ending at a scrape taken during this run.
        const s = evidenceJson<Summary>(c, `${id.replace('/', '-')}.json`);
        expect(s.actual).toBe(m.actual);
        expect(seconds(s.sides[0]!.window.end)).toBeGreaterThanOrEqual(seconds(v.startedAt));
        expect(seconds(s.sides[0]!.window.end)).toBeLessThanOrEqual(seconds(v.finishedAt));
      }
      expect(check(v, 'metrics/up').measurements[0]!.actual).toBe(1);
      expect(check(v, 'metrics/db-connections').measurements[0]!.actual as number).toBeLessThan(50);
      const up = evidenceJson<Summary>(check(v, 'metrics/up'), 'metrics-up.json');
      expect(up.sides[0]!.window.seconds).toBe(3);
      expect(up.sides[0]!.query).toBe('max_over_time(up{rollgate_target="demo"}[3000ms])');
    }

    // One Prometheus for the series: the last run's answer holds scrapes taken before that run
    // started. A Prometheus started per run would only have scraped after its run began (its
    // first scrape comes seconds after start).
    const first = evidenceJson<Summary>(check(runs[0]!, 'metrics/up'), 'metrics-up.json');
    const last = runs[2]!;
    const answer = evidenceJson<Answer>(check(last, 'metrics/scraped'), 'metrics-scraped-answer.json');
    const times = answer[0]!.answer.data.result.flatMap((s) => (s.values ?? []).map(([t]) => t));
    expect(times.length).toBeGreaterThan(0);
    const oldest = Math.min(...times);
    expect(oldest).toBeLessThan(seconds(last.startedAt));
    // Back to the scrape the first run judged, within one step (1s): its points sit on a grid
    // anchored at its own window's end.
    expect(oldest).toBeLessThanOrEqual(seconds(first.sides[0]!.window.end) + 1.001);
  });
});
