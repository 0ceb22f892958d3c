/**
 * `tsx runbooks/proofile/make-series.ts [--out <dir>]`: writes the recorded series the Proofile
 * runbook's alert rules are proven on (`runbooks/proofile/series/*.om` by default), with
 * `rollgate metrics test --runbook runbooks/proofile/proofile.runbook.ts`. Deterministic: the same
 * files on every run.
 *
 * OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`: timestamps in Unix seconds,
 * only `# HELP` / `# TYPE` / `# UNIT` comments, a final `# EOF`. Every sample carries
 * `rollgate_target="production"`, the label the embedded Prometheus gives the production target,
 * so the runbook's queries select them as they select a live scrape.
 *
 * Two shapes:
 * - ten minutes of production traffic at ~300 requests a second, one sample a minute: healthy, or
 *   with one thing wrong (p95 around 1.75 s or 3.75 s, 0.7% or 2% errors, CPU at 75% or 90%,
 *   resident memory at 95% of the limit), everything else healthy;
 * - six hours of resident memory for the soak's hourly rule: flat, or growing 3% an hour.
 *
 * The start (2026-10-01T00:00:00Z), the step (60 s), the seeded generator, the label format, the
 * writer and the command line are scripts/make-series.ts's.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  labelText,
  random,
  SERIES_START as START,
  STEP_SECONDS as STEP,
  seriesCommand,
} from '../../scripts/make-series.ts';

/** The production stand-in's memory limit the runbook's memory ratio divides by (512 MiB). */
export const MEMORY_LIMIT_BYTES = 512 * 1024 * 1024;

const TARGET = { rollgate_target: 'production', role: 'primary', version: '0.1.0' };

/** The demo's latency buckets, in seconds. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1, 2.5, 5, 10];

/**
 * Share of requests answered within each bucket's bound (cumulative; 1 from the named bound on).
 * Interpolated as histogram_quantile does: healthy p50 10 ms, p95 ~92 ms, p99 200 ms.
 */
const LATENCY = {
  healthy: {
    0.005: 0.2,
    0.01: 0.5,
    0.025: 0.8,
    0.05: 0.9,
    0.1: 0.96,
    0.2: 0.99,
    0.3: 0.995,
    0.5: 0.999,
    0.8: 1,
  },
  /** 90% within 1 s, the rest by 2.5 s: p95 = 1 + 0.5 × 1.5 = 1.75 s (over the 1 s WARN, under the 3 s CRITICAL). */
  slow: { 0.1: 0.3, 0.2: 0.5, 0.3: 0.6, 0.5: 0.75, 0.8: 0.85, 1: 0.9, 2.5: 1 },
  /** 90% within 2.5 s, the rest by 5 s: p95 = 2.5 + 0.5 × 2.5 = 3.75 s (over the 3 s CRITICAL). */
  verySlow: { 0.5: 0.2, 1: 0.6, 2.5: 0.9, 5: 1 },
} satisfies Record<string, Record<number, number>>;

interface Shape {
  latency: Record<number, number>;
  /** Share of requests answered 500. */
  errorRatio: number;
  /** CPU seconds per second (one core is 1). */
  cpu: number;
  /** Resident memory as a share of {@link MEMORY_LIMIT_BYTES}. */
  memory: number;
}

const HEALTHY: Shape = { latency: LATENCY.healthy, errorRatio: 0.0003, cpu: 0.3, memory: 0.35 };

interface Series {
  labels: Record<string, string>;
  values: number[];
}

interface Family {
  name: string;
  type: 'gauge' | 'counter' | 'histogram';
  help: string;
  unit?: string;
  series: Series[];
}

/** A counter's running totals from per-step increments, starting at 0. */
function running(increments: number[]): number[] {
  const totals = [0];
  for (const x of increments) totals.push(totals.at(-1)! + x);
  return totals;
}

/** Share of a latency shape at or below `le`. */
function within(latency: Record<number, number>, le: number): number {
  const bounds = Object.keys(latency)
    .map(Number)
    .filter((b) => b <= le);
  return bounds.length ? latency[Math.max(...bounds)]! : 0;
}

/** Ten minutes of production traffic of the given shape: requests, latency, CPU, memory, pool, cache. */
function traffic(shape: Shape, seed: number): Family[] {
  const next = random(seed);
  const minutes = 10;
  const perStep = Array.from({ length: minutes }, () => Math.round(300 * STEP * (1 + (next() - 0.5) * 0.1)));
  let carried = 0;
  const errors = perStep.map((n) => {
    const owed = carried + n * shape.errorRatio;
    carried = owed - Math.floor(owed);
    return Math.floor(owed);
  });
  const route = { method: 'GET', route: '/estimates' };
  const bucket = (le: number) => running(perStep.map((n) => Math.round(n * within(shape.latency, le))));
  const sumSeconds = running(
    perStep.map((n) =>
      BUCKETS.reduce(
        (s, le, i) => s + n * (within(shape.latency, le) - within(shape.latency, BUCKETS[i - 1] ?? 0)) * le,
        0,
      ),
    ),
  );
  const cacheReads = perStep.map((n) => Math.round(n / 3));
  const memoryJitter = Array.from({ length: minutes + 1 }, () => 1 + (next() - 0.5) * 0.004);
  return [
    {
      name: 'http_requests',
      type: 'counter',
      help: 'HTTP requests answered, by method, route pattern and status code',
      series: [
        { labels: { ...route, status: '200' }, values: running(perStep.map((n, i) => n - errors[i]!)) },
        { labels: { ...route, status: '500' }, values: running(errors) },
      ],
    },
    {
      name: 'http_request_duration_seconds',
      type: 'histogram',
      help: 'Time from request received to response finished, by method, route pattern and status code',
      series: [
        ...BUCKETS.map((le) => ({ labels: { ...route, le: String(le) }, values: bucket(le) })),
        { labels: { ...route, le: '+Inf' }, values: running(perStep) },
        { labels: { ...route, __suffix: '_count' }, values: running(perStep) },
        {
          labels: { ...route, __suffix: '_sum' },
          values: sumSeconds.map((s) => Math.round(s * 1000) / 1000),
        },
      ],
    },
    {
      name: 'process_cpu_seconds',
      type: 'counter',
      unit: 'seconds',
      help: 'Total user and system CPU time spent in seconds.',
      series: [
        {
          labels: {},
          values: running(
            perStep.map(() => Math.round(shape.cpu * STEP * (1 + (next() - 0.5) * 0.02) * 100) / 100),
          ),
        },
      ],
    },
    {
      name: 'process_resident_memory_bytes',
      type: 'gauge',
      unit: 'bytes',
      help: 'Resident memory size in bytes.',
      series: [
        { labels: {}, values: memoryJitter.map((j) => Math.round(MEMORY_LIMIT_BYTES * shape.memory * j)) },
      ],
    },
    {
      name: 'demo_db_connections_in_use',
      type: 'gauge',
      help: 'Database connections the app holds busy',
      series: [{ labels: {}, values: memoryJitter.map(() => 1 + Math.floor(next() * 6)) }],
    },
    {
      name: 'demo_cache_hits',
      type: 'counter',
      help: 'Reads of the estimates list answered from the in-memory cache',
      series: [{ labels: {}, values: running(cacheReads.map((n) => Math.round(n * 0.95))) }],
    },
    {
      name: 'demo_cache_misses',
      type: 'counter',
      help: 'Reads of the estimates list that went to the database',
      series: [{ labels: {}, values: running(cacheReads.map((n) => n - Math.round(n * 0.95))) }],
    },
  ];
}

/** Six hours of resident memory from 35% of the limit, growing `perHour` compounded, ±0.2% jitter. */
function memoryHours(perHour: number, seed: number): Family[] {
  const next = random(seed);
  const values = Array.from({ length: (6 * 3600) / STEP + 1 }, (_, i) =>
    Math.round(
      MEMORY_LIMIT_BYTES * 0.35 * (1 + perHour) ** ((i * STEP) / 3600) * (1 + (next() - 0.5) * 0.004),
    ),
  );
  return [
    {
      name: 'process_resident_memory_bytes',
      type: 'gauge',
      unit: 'bytes',
      help: 'Resident memory size in bytes.',
      series: [{ labels: {}, values }],
    },
  ];
}

/** One family as OpenMetrics text: counters' samples end in `_total`, a histogram's in `_bucket`, `_count`, `_sum`. */
function render(family: Family): string[] {
  const lines = [`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} ${family.type}`];
  if (family.unit) lines.push(`# UNIT ${family.name} ${family.unit}`);
  for (const { labels, values } of family.series) {
    const { __suffix, ...rest } = labels;
    const sample =
      family.type === 'counter'
        ? `${family.name}_total`
        : family.type === 'histogram'
          ? `${family.name}${__suffix ?? '_bucket'}`
          : family.name;
    const text = labelText({ ...TARGET, ...rest });
    values.forEach((v, i) => {
      lines.push(`${sample}{${text}} ${v} ${START + i * STEP}`);
    });
  }
  return lines;
}

const file = (families: Family[]) => `${families.flatMap(render).join('\n')}\n# EOF\n`;

/** Every recorded series: file name → OpenMetrics text. */
export function renderSeries(): Map<string, string> {
  return new Map([
    ['healthy-10m.om', file(traffic(HEALTHY, 1))],
    ['p95-1750ms-10m.om', file(traffic({ ...HEALTHY, latency: LATENCY.slow }, 2))],
    ['p95-3750ms-10m.om', file(traffic({ ...HEALTHY, latency: LATENCY.verySlow }, 3))],
    ['errors-0.7pct-10m.om', file(traffic({ ...HEALTHY, errorRatio: 0.007 }, 4))],
    ['errors-2pct-10m.om', file(traffic({ ...HEALTHY, errorRatio: 0.02 }, 5))],
    ['cpu-75pct-10m.om', file(traffic({ ...HEALTHY, cpu: 0.75 }, 6))],
    ['cpu-90pct-10m.om', file(traffic({ ...HEALTHY, cpu: 0.9 }, 7))],
    ['memory-95pct-10m.om', file(traffic({ ...HEALTHY, memory: 0.95 }, 8))],
    ['memory-growing-3pct-6h.om', file(memoryHours(0.03, 9))],
    ['memory-flat-6h.om', file(memoryHours(0, 10))],
  ]);
}

seriesCommand(
  import.meta.url,
  path.join(path.dirname(fileURLToPath(import.meta.url)), 'series'),
  renderSeries,
);
