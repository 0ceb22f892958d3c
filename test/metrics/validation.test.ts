import { describe, expect, test } from 'vitest';
import { RollgateError } from '../../src/config/errors.ts';
import { loadRunbook, validateRunbook } from '../../src/config/load-runbook.ts';
import type { MetricCheckInput } from '../../src/model/metrics.ts';
import { Runbook, type RunbookInput } from '../../src/model/runbook.ts';
import { ROOT } from '../e2e/helpers.ts';

type StageInput = RunbookInput['stages'][string];

/** A check that is valid on its own: a condition, and a duration window (no load needed). */
const up: MetricCheckInput = {
  name: 'up',
  query: 'up{rollgate_target="{target}"}',
  operator: '==',
  value: 1,
  window: '1m',
};
const LOAD = { profile: 'load/canary.profile.ts' };

/** A runbook of one stage `s` on `canary` (a `stable` target exists too), with the given providers. */
function runbook(
  stage: Partial<StageInput>,
  providers: RunbookInput['providers'] = { prom: { type: 'prometheus' } },
) {
  return {
    name: 'shop',
    targets: { canary: { baseURL: 'http://127.0.0.1:9' }, stable: { baseURL: 'http://127.0.0.1:9' } },
    providers,
    stages: { s: { target: 'canary', ...stage } },
  } satisfies RunbookInput;
}

/** Every problem of a runbook as `path: message`, in order (none when it parses). */
function issues(value: unknown): string[] {
  const r = Runbook.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`);
}

/** Cross-field rules of metric checks (addMetricIssues): each problem at its field, saying the fix. */
describe('runbook validation of metric checks', () => {
  test('a valid stage of metric checks and recorded series has no issue', () => {
    expect(
      issues(
        runbook({
          baseline: 'stable',
          load: LOAD,
          metrics: [
            up,
            { name: 'errors', query: 'q', operator: '<', value: 0.005, minTraffic: { query: 'n' } },
            { name: 'vs', query: 'q', baseline: { mode: 'ratio', operator: '<=', value: 1.5 } },
            { name: 'sent', query: 'q', operator: '<', value: 50, minTraffic: { query: 'n', count: 'load' } },
          ],
          metricTests: [{ series: 'runbooks/series/memory-flat-6h.om', expect: { up: 'pass' } }],
        }),
      ),
    ).toEqual([]);
  });

  test('several providers and none named', () => {
    const rb = runbook(
      { metrics: [up] },
      { prom: { type: 'prometheus' }, stats: { type: 'json', url: '/stats' } },
    );
    expect(issues(rb)).toEqual([
      'stages.s.metrics.0.provider: several providers are declared (prom, stats): name one with provider',
    ]);
    expect(
      issues({ ...rb, stages: { s: { target: 'canary', metrics: [{ ...up, provider: 'prom' }] } } }),
    ).toEqual([]);
  });

  test('an unknown provider, and no provider at all', () => {
    expect(issues(runbook({ metrics: [{ ...up, provider: 'thanos' }] }))).toEqual([
      'stages.s.metrics.0.provider: names provider "thanos", which is not declared; declare it under providers or use one of: prom',
    ]);
    expect(issues(runbook({ metrics: [up] }, {}))).toEqual([
      "stages.s.metrics.0.provider: needs a metrics provider: declare one under providers (providers: { prometheus: { type: 'prometheus' } })",
    ]);
  });

  test('no condition: neither operator and value nor a baseline', () => {
    const { operator: _o, value: _v, ...bare } = up;
    expect(issues(runbook({ metrics: [bare] }))).toEqual([
      'stages.s.metrics.0: needs a condition: operator and value (or a baseline comparison)',
    ]);
    // An operator alone is no condition either.
    expect(issues(runbook({ metrics: [{ ...bare, operator: '<' }] }))).toEqual([
      'stages.s.metrics.0: needs a condition: operator and value (or a baseline comparison)',
    ]);
  });

  test("window 'load' (the default) or a guard counting the load, in a stage without load", () => {
    const { window: _w, ...loadWindow } = up;
    expect(issues(runbook({ metrics: [loadWindow] }))).toEqual([
      "stages.s.metrics.0.window: is 'load', but the stage has no load step: give a duration such as '10m'",
    ]);
    expect(issues(runbook({ metrics: [{ ...up, minTraffic: { query: 'n', count: 'load' } }] }))).toEqual([
      "stages.s.metrics.0.minTraffic.count: is 'load', but the stage has no load step: give a number of requests",
    ]);
    expect(issues(runbook({ load: LOAD, metrics: [loadWindow] }))).toEqual([]);
  });

  test('a guard without count on a value that is not a rate between 0 and 1', () => {
    const needed =
      'stages.s.metrics.0.minTraffic.count: is needed: the rule of three (3 ÷ value) only applies to a rate between 0 and 1';
    expect(issues(runbook({ metrics: [{ ...up, value: 50, minTraffic: { query: 'n' } }] }))).toEqual([
      needed,
    ]);
    expect(issues(runbook({ metrics: [{ ...up, value: 1, minTraffic: { query: 'n' } }] }))).toEqual([needed]);
    expect(issues(runbook({ metrics: [{ ...up, value: 0.005, minTraffic: { query: 'n' } }] }))).toEqual([]);
    expect(
      issues(runbook({ metrics: [{ ...up, value: 50, minTraffic: { query: 'n', count: 600 } }] })),
    ).toEqual([]);
  });

  test("a json provider: over 'all', a window and a baseline are refused", () => {
    const json = { stats: { type: 'json' as const, url: '/stats' } };
    const { window: _w, ...once } = up;
    expect(issues(runbook({ metrics: [{ ...once, over: 'all' }] }, json))).toEqual([
      "stages.s.metrics.0.over: a json provider has no history: use 'instant'",
    ]);
    expect(issues(runbook({ metrics: [up] }, json))).toEqual([
      'stages.s.metrics.0.window: a json provider is read once, when the check runs: it has no window; remove it',
    ]);
    expect(
      issues(
        runbook(
          {
            baseline: 'stable',
            load: LOAD,
            metrics: [{ ...once, baseline: { mode: 'difference', operator: '<=', value: 0.005 } }],
          },
          json,
        ),
      ),
    ).toEqual([
      'stages.s.metrics.0.baseline: a json provider reads one endpoint: compare against a baseline on Prometheus',
    ]);
  });

  test('a json check needs no window: it reads the endpoint once, load step or not', () => {
    // The window is ignored for a json provider (the engine reads it once, now), so the default
    // 'load' must not be refused in a stage without load.
    const { window: _w, ...noWindow } = up;
    expect(issues(runbook({ metrics: [noWindow] }, { stats: { type: 'json', url: '/stats' } }))).toEqual([]);
  });

  test('a baseline comparison with no baseline target, or naming one not declared', () => {
    const b = { mode: 'ratio' as const, operator: '<=' as const, value: 1.5 };
    expect(issues(runbook({ metrics: [{ ...up, baseline: b }] }))).toEqual([
      "stages.s.metrics.0.baseline.target: the stage has no baseline: name the baseline target here or set the stage's baseline",
    ]);
    expect(issues(runbook({ metrics: [{ ...up, baseline: { ...b, target: 'old' } }] }))).toEqual([
      'stages.s.metrics.0.baseline.target: names target "old", which is not declared',
    ]);
    // The embedded Prometheus scrapes only the stage's target and baseline.
    expect(issues(runbook({ metrics: [{ ...up, baseline: { ...b, target: 'stable' } }] }))).toEqual([
      'stages.s.metrics.0.baseline.target: names target "stable", which the embedded Prometheus does not scrape (only the stage\'s target "canary"): set the stage\'s baseline, or query a Prometheus that scrapes it',
    ]);
    expect(
      issues(
        runbook({
          baseline: 'stable',
          load: LOAD,
          metrics: [{ ...up, baseline: { ...b, target: 'stable' } }],
        }),
      ),
    ).toEqual([]);
    const external = {
      prom: { type: 'prometheus' as const, url: 'http://127.0.0.1:9090', scrapeInterval: '15s' },
    };
    expect(issues(runbook({ metrics: [{ ...up, baseline: { ...b, target: 'stable' } }] }, external))).toEqual(
      [],
    );
  });

  test('an external Prometheus says how to know a scrape is stored: freshnessQuery or scrapeInterval', () => {
    const bare = { prom: { type: 'prometheus' as const, url: 'http://127.0.0.1:9090' } };
    expect(issues(runbook({ metrics: [up] }, bare))).toEqual([
      "providers.prom: an external Prometheus needs freshnessQuery (the time of the newest scrape, e.g. 'timestamp(up{job=\"shop\"}) and up{job=\"shop\"} == 1') or scrapeInterval (how often it scrapes, e.g. '15s'), so rollgate knows when the load's end is stored",
    ]);
    expect(
      issues(
        runbook({ metrics: [up] }, { prom: { ...bare.prom, freshnessQuery: 'timestamp(up) and up == 1' } }),
      ),
    ).toEqual([]);
  });

  test('duplicate names in a stage', () => {
    expect(issues(runbook({ metrics: [up, { ...up, query: 'up' }] }))).toEqual([
      'stages.s.metrics.1.name: "up" is used twice in this stage: metric check names must be unique',
    ]);
  });

  test('recorded series: an expect naming no check, or naming none', () => {
    expect(
      issues(runbook({ metrics: [up], metricTests: [{ series: 'a.om', expect: { upp: 'pass' } }] })),
    ).toEqual([
      "stages.s.metricTests.0.expect.upp: names no metric check of this stage; its checks: up; did you mean 'up'?",
    ]);
    expect(issues(runbook({ metrics: [up], metricTests: [{ series: 'a.om', expect: {} }] }))).toEqual([
      'stages.s.metricTests.0.expect: names no check: give at least one check name and the outcome it must have',
    ]);
  });

  test('validateRunbook reports every problem at once, each line naming the file and the field', () => {
    const { operator: _o, value: _v, ...bare } = up;
    let error: unknown;
    try {
      validateRunbook(
        'shop.runbook.ts',
        runbook({
          metrics: [
            { ...up, provider: 'thanos' },
            { ...bare, name: 'bare' },
          ],
        }),
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RollgateError);
    expect((error as RollgateError).code).toBe('ROLLGATE_RUNBOOK_INVALID');
    expect((error as Error).message.split('\n')).toEqual([
      'shop.runbook.ts: stages.s.metrics.0.provider: names provider "thanos", which is not declared; declare it under providers or use one of: prom',
      'shop.runbook.ts: stages.s.metrics.1: needs a condition: operator and value (or a baseline comparison)',
      'Fix the field(s) above; nothing was run.',
    ]);
  });

  test('loadRunbook: the demo runbook and the metric fixtures are valid', async () => {
    for (const file of [
      'runbooks/demo.runbook.ts',
      'test/fixtures/metrics/watch.runbook.ts',
      'test/fixtures/metrics/json.runbook.ts',
      'test/fixtures/metrics/wrong-expectation.runbook.ts',
    ]) {
      const loaded = await loadRunbook(file, ROOT);
      expect(Object.keys(loaded.runbook.stages).length, file).toBeGreaterThan(0);
    }
    await expect(loadRunbook('test/fixtures/metrics/unknown-expect.runbook.ts', ROOT)).rejects.toThrow(
      /stages\.soak\.metricTests\.0\.expect\.memory-growht: names no metric check of this stage/,
    );
  });
});
