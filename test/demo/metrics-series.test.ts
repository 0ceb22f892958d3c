import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { renderSeries, SERIES_START, STEP_SECONDS } from '../../scripts/make-series.ts';
import { findPrometheus } from '../../src/checks/metrics/prometheus/binaries.ts';
import { tempDirs } from './helpers.ts';
import { parseMetrics, type Sample } from './metrics-scrape.ts';

const run = promisify(execFile);
const dirs = tempDirs();
afterAll(() => dirs.cleanup());

const SERIES_DIR = join(process.cwd(), 'runbooks', 'series');
const rendered = renderSeries();
const committed = (name: string) => readFileSync(join(SERIES_DIR, name), 'utf8');
const HOURS: Record<string, number> = {
  'memory-growing-3pct-6h.om': 6,
  'memory-flat-6h.om': 6,
  'connection-leak-6h.om': 6,
  'connections-normal-6h.om': 6,
  'error-spike-1h.om': 1,
  'errors-normal-1h.om': 1,
};

/** Samples with their timestamp (seconds), in file order. */
function samplesOf(name: string): (Sample & { at: number })[] {
  const text = committed(name);
  const stamps = text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => Number(line.slice(line.lastIndexOf(' ') + 1)));
  return parseMetrics(text).map((sample, i) => ({ ...sample, at: stamps[i]! }));
}

const values = (name: string, labels: Record<string, string> = {}) =>
  samplesOf(name)
    .filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .map((s) => s.value);

/** Least-squares slope of ln(value) per hour: the compounded hourly growth is exp(slope) - 1. */
function hourlyGrowth(series: number[]): number {
  const xs = series.map((_, i) => (i * STEP_SECONDS) / 3600);
  const ys = series.map((v) => Math.log(v));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => {
    num += (x - mx) * (ys[i]! - my);
    den += (x - mx) ** 2;
  });
  return Math.exp(num / den) - 1;
}

describe('recorded series under runbooks/series', () => {
  it('are what scripts/make-series.ts renders (run `tsx scripts/make-series.ts` after changing it)', () => {
    expect([...rendered.keys()].sort()).toEqual(Object.keys(HOURS).sort());
    for (const [name, text] of rendered) expect(committed(name), name).toBe(text);
  });

  it.each(Object.keys(HOURS))(
    '%s: OpenMetrics with only the comments promtool accepts, one sample a minute',
    (name) => {
      const text = committed(name);
      expect(text.endsWith('\n# EOF\n')).toBe(true);
      for (const line of text.split('\n').filter((l) => l.startsWith('#')))
        expect(line, name).toMatch(/^# (HELP|TYPE|UNIT) \S+ .+$|^# EOF$/);
      const samples = samplesOf(name);
      const series = new Map<string, number[]>();
      for (const s of samples) {
        expect(s.labels).toMatchObject({
          rollgate_target: 'canary',
          role: 'canary',
          job: 'canary',
          instance: '127.0.0.1:3000',
        });
        const key = JSON.stringify(s.labels);
        series.set(key, [...(series.get(key) ?? []), s.at]);
      }
      for (const stamps of series.values()) {
        expect(stamps[0]).toBe(SERIES_START); // 2026-10-01T00:00:00Z
        expect(stamps.at(-1)).toBe(SERIES_START + HOURS[name]! * 3600);
        expect(stamps.every((t, i) => i === 0 || t - stamps[i - 1]! === STEP_SECONDS)).toBe(true);
      }
    },
  );

  it.each(Object.keys(HOURS))('%s: promtool turns it into TSDB blocks holding every sample', async (name) => {
    const { promtool } = findPrometheus({ root: process.cwd(), env: process.env });
    const out = join(dirs.make(), 'tsdb');
    const { stdout } = await run(promtool, [
      'tsdb',
      'create-blocks-from',
      'openmetrics',
      join(SERIES_DIR, name),
      out,
    ]);
    // promtool prints one row per block: ULID, min time, max time (ms, exclusive), duration, samples…
    const blocks = stdout
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((cols) => /^[0-9A-Z]{26}$/.test(cols[0] ?? ''));
    expect(blocks.length).toBeGreaterThan(0);
    const total = blocks.reduce((sum, cols) => sum + Number(cols[4]), 0);
    expect(total).toBe(samplesOf(name).length);
    expect(Math.min(...blocks.map((cols) => Number(cols[1])))).toBe(SERIES_START * 1000);
    expect(Math.max(...blocks.map((cols) => Number(cols[2])))).toBe(
      (SERIES_START + HOURS[name]! * 3600) * 1000 + 1,
    );
  });

  it('memory-growing-3pct-6h grows ~3% an hour from ~80 MB; memory-flat-6h does not grow', () => {
    const growing = values('memory-growing-3pct-6h.om');
    expect(growing[0]).toBeGreaterThan(79.5e6);
    expect(growing[0]).toBeLessThan(80.5e6);
    expect(hourlyGrowth(growing)).toBeGreaterThan(0.029);
    expect(hourlyGrowth(growing)).toBeLessThan(0.031);
    expect(growing.at(-1)! / growing[0]!).toBeCloseTo(1.03 ** 6, 1);
    const flat = values('memory-flat-6h.om');
    expect(Math.abs(hourlyGrowth(flat))).toBeLessThan(0.001);
    expect(Math.max(...flat) / Math.min(...flat)).toBeLessThan(1.005);
  });

  it('connection-leak-6h climbs from 2 to 90; connections-normal-6h stays between 1 and 6', () => {
    const leak = values('connection-leak-6h.om');
    expect([leak[0], leak.at(-1)]).toEqual([2, 90]);
    expect(leak[180]).toBeGreaterThan(40);
    expect(leak[180]).toBeLessThan(50);
    const normal = values('connections-normal-6h.om');
    expect(Math.min(...normal)).toBe(1);
    expect(Math.max(...normal)).toBe(6);
  });

  it('error-spike-1h has 6% 5xx in its last 15 minutes at ~20 req/s; errors-normal-1h has 0.05%', () => {
    const ratio = (name: string, from: number, to: number) => {
      const ok = values(name, { status: '200' });
      const failed = values(name, { status: '500' });
      const errors = failed[to]! - failed[from]!;
      return {
        ratio: errors / (errors + ok[to]! - ok[from]!),
        perSecond: (errors + ok[to]! - ok[from]!) / ((to - from) * 60),
      };
    };
    const spike = ratio('error-spike-1h.om', 45, 60);
    expect(spike.ratio).toBeGreaterThan(0.059);
    expect(spike.ratio).toBeLessThan(0.061);
    expect(ratio('error-spike-1h.om', 0, 45).ratio).toBeLessThan(0.001);
    const normal = ratio('errors-normal-1h.om', 0, 60);
    expect(normal.ratio).toBeGreaterThan(0.0004);
    expect(normal.ratio).toBeLessThan(0.0006);
    expect(normal.perSecond).toBeGreaterThan(19);
    expect(normal.perSecond).toBeLessThan(21);
    for (const name of ['error-spike-1h.om', 'errors-normal-1h.om'])
      for (const status of ['200', '500']) {
        const counter = values(name, { status });
        expect(counter[0]).toBe(0);
        expect(
          counter.every((v, i) => i === 0 || v >= counter[i - 1]!),
          `${name} ${status} never decreases`,
        ).toBe(true);
      }
  });
});
