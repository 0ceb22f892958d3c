import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillOpenMetrics } from '../../src/checks/metrics/prometheus/backfill.ts';
import { findPrometheus } from '../../src/checks/metrics/prometheus/binaries.ts';
import { prometheusSource } from '../../src/checks/metrics/prometheus/client.ts';
import { parseSampleLine } from '../../src/checks/metrics/prometheus/series-scan.ts';
import { type EmbeddedPrometheus, startPrometheus } from '../../src/checks/metrics/prometheus/server.ts';
import { RollgateError } from '../../src/config/errors.ts';

// A recorded series written here: 6 hours of a gauge every 60 s on a fixed past date, backfilled by
// the real promtool and served by one real Prometheus started without scrape targets.
const BIN = findPrometheus({ root: path.resolve(import.meta.dirname, '../..'), env: process.env });
const START = Date.UTC(2024, 0, 15, 0, 0, 0) / 1000;
const END = START + 6 * 3600;
const dir = mkdtempSync(path.join(os.tmpdir(), 'rollgate-backfill-test-'));
const dataDir = path.join(dir, 'data');
let prom: EmbeddedPrometheus;
let loaded: Awaited<ReturnType<typeof backfillOpenMetrics>>;

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

function gaugeSeries(): string {
  const lines = ['# HELP app_memory_bytes Resident memory.', '# TYPE app_memory_bytes gauge'];
  for (let t = START, i = 0; t <= END; t += 60, i++) {
    lines.push(`app_memory_bytes{pod="a b}"} ${1000 + i} ${t}`);
    // A second series with a fractional timestamp (OpenMetrics allows them) at the same minutes.
    lines.push(`app_memory_bytes{pod="c"} ${2000 + i} ${t}.5`);
  }
  return `${lines.join('\n')}\n# EOF\n`;
}

beforeAll(async () => {
  loaded = await backfillOpenMetrics({
    promtool: BIN.promtool,
    file: write('memory.om', gaugeSeries()),
    dataDir,
  });
  prom = await startPrometheus({ prometheus: BIN.prometheus, dataDir });
});
afterAll(async () => {
  await prom?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function seriesError(file: string): Promise<RollgateError> {
  const error = await backfillOpenMetrics({
    promtool: BIN.promtool,
    file,
    dataDir: path.join(dir, 'unused'),
  }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RollgateError);
  expect((error as RollgateError).code).toBe('ROLLGATE_METRICS_SERIES');
  return error as RollgateError;
}

describe('backfilling a recorded OpenMetrics series', () => {
  it('reports its first and last sample times and distinct series', () => {
    expect(loaded).toEqual({ start: START, end: END + 0.5, interval: 60, series: 2 });
  });

  it('a server on the data folder answers a range over it: 361 points a minute apart', async () => {
    const a = await prometheusSource({ url: prom.url }).range('app_memory_bytes{pod="a b}"}', START, END, 60);
    if (!a.ok) throw new Error(a.error);
    expect(a.series).toHaveLength(1);
    const points = a.series[0]!.points;
    expect(points).toHaveLength(361);
    expect(points[0]).toEqual([START, 1000]);
    expect(points[360]).toEqual([END, 1360]);
  });

  it('refuses a file that does not exist, naming it', async () => {
    const e = await seriesError(path.join(dir, 'missing.om'));
    expect(e.message).toContain('missing.om: no such series file');
  });

  it('refuses a file without # EOF before running promtool', async () => {
    const e = await seriesError(write('no-eof.om', 'up 1 1700000000\n'));
    expect(e.message).toContain('no-eof.om does not end with "# EOF"');
  });

  it("a file promtool rejects gives promtool's reason", async () => {
    const e = await seriesError(write('bad.om', '# TYPE up gauge\nup not-a-number 1700000000\n# EOF\n'));
    expect(e.message).toContain('bad.om: promtool rejected it');
    expect(e.message).toMatch(/not-a-number|invalid|parse/i);
  });
});

describe('parseSampleLine', () => {
  it('reads the series and timestamp past quoted braces, spaces and exemplars', () => {
    expect(parseSampleLine('a{x="1 } 2",y="\\"q\\""} 5 1700000000.25')).toEqual({
      series: 'a{x="1 } 2",y="\\"q\\""}',
      timestamp: 1700000000.25,
      stamped: true,
    });
    expect(parseSampleLine('b_bucket{le="1"} 3 1700000001 # {trace="t"} 0.5 1700000000')).toEqual({
      series: 'b_bucket{le="1"}',
      timestamp: 1700000001,
      stamped: true,
    });
    expect(parseSampleLine('c 1')).toEqual({ series: 'c', stamped: false });
    // Written but not a number: stamped, with no timestamp (promtool names the bad value).
    expect(parseSampleLine('d 1 soon')).toEqual({ series: 'd', stamped: true });
  });
});
