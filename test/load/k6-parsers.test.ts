import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateLoad, loadStatus } from '../../src/checks/load/budgets.ts';
import { readK6Points } from '../../src/checks/load/k6-points.ts';
import { parseK6Summary, readK6Summary } from '../../src/checks/load/k6-summary.ts';
import { observeSamples } from '../../src/checks/load/observation.ts';

// Real k6 v1.3.0 output, recorded (see test/fixtures/k6/README.md).
const dir = join(import.meta.dirname, '../fixtures/k6');
const json = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8'));

const passLatency = { p50: 21.125935, p90: 70.6865662, p95: 80.3359861, p99: 81.46312104 };
const failLatency = {
  p50: 0.264704,
  p90: 0.7811791999999997,
  p95: 1.2031149999999997,
  p99: 3.872700139999999,
};

describe('k6 --summary-export', () => {
  it('pass: 447 requests, none failed, the four percentiles, no threshold crossed', async () => {
    const obs = await readK6Summary(join(dir, 'pass.summary-export.json'));
    expect(obs).toMatchObject({ engine: 'k6-summary', requests: 447, failed: 0, errorRate: 0 });
    expect(obs.latency).toEqual(passLatency);
    expect(obs.latencySamples).toBe(447);
    expect(obs.throughput).toBe(109.95728969338711);
    expect(obs.durationMs).toBeCloseTo(4065.2, 1);
    expect(obs.thresholdsCrossed).toEqual([]);
  });

  it('fail: http_req_failed.passes is 1018 FAILED requests of 20503; true means crossed', () => {
    const obs = parseK6Summary(json('fail.summary-export.json'));
    expect(obs).toMatchObject({ engine: 'k6', requests: 20503, failed: 1018 });
    expect(obs.errorRate).toBe(0.04965127054577379);
    expect(obs.errorRate).toBe(1018 / 20503);
    expect(obs.latency).toEqual(failLatency);
    expect(obs.throughput).toBe(5121.440485801256);
    // p(95)<25 held (the /flaky server is fast): only checks and http_req_failed crossed.
    expect(obs.thresholdsCrossed).toEqual(['checks: rate>0.99', 'http_req_failed: rate<0.001']);
  });

  it('reads a scenario sub-metric when asked, and finds no requests where it has none', () => {
    const obs = parseK6Summary(json('pass.summary-export.json'), { scope: '{scenario:health}' });
    expect(obs.latency).toEqual({ p50: 0.645575, p90: 0.952565, p95: 1.141781, p99: 2.734453 });
    // Only thresholds create sub-metrics; there is no http_req_failed{scenario:health}: no count.
    expect(obs.requests).toBe(0);
    expect(obs.latencySamples).toBe(0);
  });
});

describe('k6 handleSummary JSON', () => {
  it('pass: same numbers as the summary export; {ok: true} means held; run length from state', async () => {
    const obs = await readK6Summary(join(dir, 'pass.handle-summary.json'));
    expect(obs).toMatchObject({ requests: 447, failed: 0, errorRate: 0, thresholdsCrossed: [] });
    expect(obs.latency).toEqual(passLatency);
    expect(obs.durationMs).toBe(4065.214787);
  });

  it('fail: the same two thresholds crossed, read from {ok: false}', () => {
    const obs = parseK6Summary(json('fail.handle-summary.json'));
    expect(obs).toMatchObject({ requests: 20503, failed: 1018, durationMs: 4003.365861 });
    expect(obs.errorRate).toBe(0.04965127054577379);
    expect(obs.latency).toEqual(failLatency);
    expect(obs.thresholdsCrossed).toEqual(['checks: rate>0.99', 'http_req_failed: rate<0.001']);
  });

  it('the stdout of the failed run names the same crossed metrics', () => {
    const stdout = readFileSync(join(dir, 'fail.stdout.txt'), 'utf8');
    expect(stdout).toContain("thresholds on metrics 'checks, http_req_failed' have been crossed");
    expect(readFileSync(join(dir, 'pass.stdout.txt'), 'utf8')).not.toContain('crossed');
  });
});

describe('k6 --out json points', () => {
  it('447 request samples (201 health, 246 estimates), none failed, over about 4 s', async () => {
    const { samples, spanMs, metrics } = await readK6Points(join(dir, 'pass.points.ndjson'));
    expect(samples).toHaveLength(447);
    expect(samples.filter((s) => s.endpoint === 'health')).toHaveLength(201);
    expect(samples.filter((s) => s.endpoint === 'estimates')).toHaveLength(246);
    expect(samples.every((s) => s.status === 200 && !s.failed)).toBe(true);
    expect(samples[0]).toEqual({ endpoint: 'health', latencyMs: 7.514312, status: 200, failed: false });
    expect(metrics).toHaveLength(17);
    expect(spanMs).toBeGreaterThan(3900);
    expect(spanMs).toBeLessThan(4100);
  });

  it('percentiles recomputed from the points equal k6 own summary exactly (same interpolation)', async () => {
    const { samples } = await readK6Points(join(dir, 'pass.points.ndjson'));
    const obs = observeSamples('k6', samples, 4065.214787);
    expect(obs.latency).toEqual(passLatency);
    const health = obs.endpoints.find((e) => e.endpoint === 'health')!;
    expect(health.latency).toMatchObject({ count: 201, p50: 0.645575, p95: 1.141781, p99: 2.734453 });
    expect(health.latency.max).toBe(7.514312);
  });

  it('filters by scenario and reports a malformed line by number', async () => {
    const { samples } = await readK6Points(join(dir, 'pass.points.ndjson'), { scenario: 'browse' });
    expect(samples).toHaveLength(246);
    const { parseK6Points } = await import('../../src/checks/load/k6-points.ts');
    expect(() => parseK6Points(['{"type":"Point"}', ''], { source: 'x.ndjson' })).toThrow(
      /x\.ndjson:1: not a k6/,
    );
    expect(() => parseK6Points(['', 'nope'])).toThrow(/:2: not a k6 JSON output line: not JSON/);
  });
});

describe('budgets on k6 results', () => {
  const budgets = [
    { name: 'p95-latency', operator: '<=' as const, value: 500 },
    { name: 'p99-latency', operator: '<=' as const, value: 2000 },
    { name: 'error-rate', operator: '<' as const, value: 0.005 },
  ];

  it('pass fixture: latency within budget; error rate inconclusive on 447 < 600 requests', () => {
    const ms = evaluateLoad(budgets, parseK6Summary(json('pass.summary-export.json')));
    expect(ms.map((m) => [m.name, m.actual, m.samples, m.passed])).toEqual([
      ['p95-latency', 80.3359861, 447, true],
      ['p99-latency', 81.46312104, 447, true],
      ['error-rate', 0, 447, false],
      ['k6-thresholds-crossed', 0, 447, true],
    ]);
    expect(ms[2]!.note).toBe('inconclusive: 447 samples, need at least 600');
    expect(loadStatus(ms)).toBe('errored');
  });

  it('fail fixture: error rate 4.97% over 0.5% fails, and k6 crossed two thresholds', () => {
    const ms = evaluateLoad(budgets, parseK6Summary(json('fail.handle-summary.json')));
    const rate = ms.find((m) => m.name === 'error-rate')!;
    expect(rate).toMatchObject({ actual: 1018 / 20503, expected: 0.005, samples: 20503, passed: false });
    expect(rate.note).toBeUndefined();
    expect(ms.at(-1)).toMatchObject({ name: 'k6-thresholds-crossed', actual: 2, passed: false });
    expect(loadStatus(ms)).toBe('failed');
  });

  it('a percentile the summary does not carry is no data, never a pass', () => {
    const data = json('pass.summary-export.json');
    delete data.metrics.http_req_duration['p(99)'];
    const [m] = evaluateLoad([budgets[1]!], parseK6Summary(data));
    expect(m).toMatchObject({ actual: null, passed: false, note: 'no data: nothing was measured' });
  });

  it('rejects a document that is not a k6 summary, naming it', () => {
    expect(() => parseK6Summary({ metrics: { http_reqs: { count: 'x' } } }, { source: 'out.json' })).toThrow(
      /out\.json: not a k6 summary/,
    );
  });
});
