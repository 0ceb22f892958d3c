/**
 * `tsx scripts/make-series.ts [--out <dir>]`: writes the recorded series the demo runbook's metric
 * checks are tested on (`runbooks/series/*.om` by default). Deterministic: the same files on every
 * run, so the committed copies can be checked against a fresh render.
 *
 * OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`: one sample every 60 s from
 * 2026-10-01T00:00:00Z, timestamps in seconds, only `# HELP` / `# TYPE` / `# UNIT` comments (promtool
 * rejects any other) and a final `# EOF`. Labels are those a canary scrape carries.
 *
 * The seed runbooks' own series scripts (runbooks/proofile/make-series.ts,
 * runbooks/terp/make-series.ts) share its generator, label format, writer and command line.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** 2026-10-01T00:00:00Z, in seconds: a fixed date in the past of every run that reads these files. */
export const SERIES_START = Date.UTC(2026, 9, 1) / 1000;
export const STEP_SECONDS = 60;

/** What a canary's own scrape labels its series with (the demo adds role and version itself). */
const TARGET_LABELS = {
  rollgate_target: 'canary',
  role: 'canary',
  job: 'canary',
  instance: '127.0.0.1:3000',
  version: '0.1.0',
};

const MB = 1_000_000;
const START_MEMORY = 80 * MB;

interface Family {
  name: string;
  type: 'gauge' | 'counter';
  help: string;
  unit?: string;
  /** Each series: extra labels and one value per step. */
  series: { labels?: Record<string, string>; values: number[] }[];
}

/** mulberry32: a tiny seeded generator, so the jitter is the same on every run and machine. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Samples for `hours` of data: one at the start and one every step up to the end, both included. */
const steps = (hours: number) => Array.from({ length: (hours * 3600) / STEP_SECONDS + 1 }, (_, i) => i);

/** Resident memory from 80 MB, growing `perHour` compounded, with ±0.2% deterministic jitter. */
function memory(perHour: number, seed: number): Family {
  const next = random(seed);
  const values = steps(6).map((i) => {
    const hours = (i * STEP_SECONDS) / 3600;
    return Math.round(START_MEMORY * (1 + perHour) ** hours * (1 + (next() - 0.5) * 0.004));
  });
  return {
    name: 'process_resident_memory_bytes',
    type: 'gauge',
    unit: 'bytes',
    help: 'Resident memory size in bytes.',
    series: [{ values }],
  };
}

function connections(values: number[]): Family {
  return {
    name: 'demo_db_connections_in_use',
    type: 'gauge',
    help: 'Database connections the app holds busy: checked out of the pool (SQLite: open handles), leaked ones included',
    series: [{ values }],
  };
}

/** A leak 2 → 90 over 6 hours: a straight climb, plus the pool's own 0-1 busy connection between the ends. */
function connectionLeak(): Family {
  const next = random(3);
  const all = steps(6);
  const last = all.length - 1;
  return connections(
    all.map((i) => 2 + Math.round((88 * i) / last) + (i > 0 && i < last ? Math.floor(next() * 2) : 0)),
  );
}

/** A healthy pool: between 1 and 6 connections busy at any scrape. */
function connectionsNormal(): Family {
  const next = random(4);
  return connections(steps(6).map(() => 1 + Math.floor(next() * 6)));
}

/**
 * `http_requests_total` for GET /estimates over one hour at ~20 req/s (±5%), 200 and 500 apart.
 * `ratioAt(i)` is the 5xx share of the minute ending at step i; errors are carried as a fraction,
 * so 0.05% of 1,200 requests a minute is one error every ~2 minutes, not zero.
 */
function requests(seed: number, ratioAt: (step: number) => number): Family {
  const next = random(seed);
  const ok: number[] = [0];
  const failed: number[] = [0];
  let carried = 0;
  for (const i of steps(1).slice(1)) {
    const total = Math.round(20 * STEP_SECONDS * (1 + (next() - 0.5) * 0.1));
    const owed = carried + total * ratioAt(i);
    const errors = Math.floor(owed);
    carried = owed - errors;
    ok.push(ok.at(-1)! + total - errors);
    failed.push(failed.at(-1)! + errors);
  }
  const labels = (status: string) => ({ method: 'GET', route: '/estimates', status });
  return {
    name: 'http_requests',
    type: 'counter',
    help: 'HTTP requests answered, by method, route pattern and status code',
    series: [
      { labels: labels('200'), values: ok },
      { labels: labels('500'), values: failed },
    ],
  };
}

const NORMAL_ERROR_RATIO = 0.0005;
/** The minutes ending at steps 46-60: the last 15 minutes of the hour. */
const SPIKE_FROM_STEP = 46;

/** A label set as it goes between a sample's braces: `name="value",…`, in the given order. */
export function labelText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([name, value]) => `${name}="${value}"`)
    .join(',');
}

function formatLabels(labels: Record<string, string>): string {
  return labelText({ ...TARGET_LABELS, ...labels });
}

/** One family as OpenMetrics text; a counter's samples carry `_total`, its family name does not. */
function render(family: Family): string {
  const sample = family.type === 'counter' ? `${family.name}_total` : family.name;
  const lines = [`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} ${family.type}`];
  if (family.unit) lines.push(`# UNIT ${family.name} ${family.unit}`);
  for (const series of family.series) {
    const labels = formatLabels(series.labels ?? {});
    series.values.forEach((value, i) => {
      lines.push(`${sample}{${labels}} ${value} ${SERIES_START + i * STEP_SECONDS}`);
    });
  }
  return `${lines.join('\n')}\n# EOF\n`;
}

/** Every recorded series: file name → OpenMetrics text. */
export function renderSeries(): Map<string, string> {
  return new Map([
    ['memory-growing-3pct-6h.om', render(memory(0.03, 1))],
    ['memory-flat-6h.om', render(memory(0, 2))],
    ['connection-leak-6h.om', render(connectionLeak())],
    ['connections-normal-6h.om', render(connectionsNormal())],
    ['error-spike-1h.om', render(requests(5, (i) => (i >= SPIKE_FROM_STEP ? 0.06 : NORMAL_ERROR_RATIO)))],
    ['errors-normal-1h.om', render(requests(6, () => NORMAL_ERROR_RATIO))],
  ]);
}

/** Writes each rendered file (name → text) into `dir` (created when missing); returns the paths written. */
export function writeSeriesFiles(dir: string, series: Map<string, string>): string[] {
  mkdirSync(dir, { recursive: true });
  return [...series].map(([name, text]) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  });
}

/** Writes every file into `dir` (created when missing); returns the paths written. */
export function writeSeries(dir: string): string[] {
  return writeSeriesFiles(dir, renderSeries());
}

/**
 * A series script's command line, when `moduleUrl` (its `import.meta.url`) is the script run:
 * `[--out <dir>]`, `defaultDir` without it; writes `render()`'s files and prints each path.
 */
export function seriesCommand(
  moduleUrl: string,
  defaultDir: string,
  render: () => Map<string, string>,
): void {
  if (!process.argv[1] || path.resolve(process.argv[1]) !== fileURLToPath(moduleUrl)) return;
  const outFlag = process.argv.indexOf('--out');
  const out = outFlag > 0 ? process.argv[outFlag + 1] : undefined;
  if (outFlag > 0 && !out) {
    process.stderr.write('make-series: --out needs a directory, e.g. --out /tmp/series\n');
    process.exit(2);
  }
  const dir = out ? path.resolve(out) : defaultDir;
  for (const file of writeSeriesFiles(dir, render()))
    process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
}

seriesCommand(
  import.meta.url,
  path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'runbooks', 'series'),
  renderSeries,
);
