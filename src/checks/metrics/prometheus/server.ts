import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { execa, type ResultPromise } from 'execa';
import { ObservationError } from '../../authoring/errors.ts';

/** A Prometheus rollgate started: its base URL (the HTTP API is under /api/v1) and data folder. */
export interface EmbeddedPrometheus {
  url: string;
  dataDir: string;
  /** Stops the server and removes its temp folder; safe to call more than once. */
  stop(): Promise<void>;
}

export interface ScrapeTarget {
  /** Becomes the `rollgate_target` label of every series scraped from it. */
  target: string;
  /** The target's base URL; a path in it prefixes `metricsPath`. */
  url: string;
  metricsPath: string;
}

/** Starts a process; rollgate always passes both `cwd` and `env`, so a ChildSet's spawn fits. */
export type SpawnFn = (
  cmd: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv },
) => ResultPromise;

export interface StartPrometheusOptions {
  prometheus: string;
  /** Targets scraped; none: the server only answers from what is in `dataDir` (backfilled series). */
  scrape?: ScrapeTarget[];
  /** scrape_interval and evaluation_interval; default 1000. */
  scrapeIntervalMs?: number;
  /** Default: a folder inside the temp folder, removed by stop(). A given one is left in place. */
  dataDir?: string;
  /** The engine's ChildSet spawn, so the server stops with everything else; default execa. */
  spawn?: SpawnFn;
  signal?: AbortSignal;
  /** How long `/-/ready` may take; default 30000. */
  startTimeoutMs?: number;
}

/** A free loopback port (the same idea as the engine's embedded apps; checks may not import engine). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** One scrape job of the generated configuration. */
function scrapeJob(t: ScrapeTarget, interval: string, jobName: string) {
  let url: URL;
  try {
    url = new URL(t.url);
  } catch {
    throw new ObservationError(
      `target ${t.target}: ${t.url} is not a URL Prometheus can scrape: give an absolute http(s) URL`,
      'ROLLGATE_METRICS_PROVIDER',
    );
  }
  const scheme = url.protocol.replace(/:$/, '');
  const port = url.port || (scheme === 'https' ? '443' : '80');
  const base = url.pathname.replace(/\/+$/, '');
  return {
    job_name: jobName,
    scrape_interval: interval,
    scrape_timeout: interval,
    scheme,
    metrics_path: `${base}${t.metricsPath}`,
    static_configs: [{ targets: [`${url.hostname}:${port}`], labels: { rollgate_target: t.target } }],
  };
}

/**
 * The configuration file. JSON is YAML, so it needs no YAML writer. scrape_timeout is the interval
 * because Prometheus refuses a timeout (default 10 s) longer than a 1 s interval.
 */
export function prometheusConfig(scrape: ScrapeTarget[], intervalMs: number): string {
  const interval = `${intervalMs}ms`;
  const seen = new Map<string, number>();
  const jobs = scrape.map((t) => {
    const n = (seen.get(t.target) ?? 0) + 1;
    seen.set(t.target, n);
    return scrapeJob(t, interval, n === 1 ? t.target : `${t.target}-${n}`);
  });
  const global = { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval };
  return `${JSON.stringify({ global, scrape_configs: jobs }, null, 2)}\n`;
}

const TAIL_LINES = 12;

function lastLines(output: string): string {
  const lines = stripVTControlCharacters(output).trimEnd().split('\n').slice(-TAIL_LINES);
  return lines.join('').trim()
    ? `; its last output lines:\n${lines.map((l) => `    ${l.slice(0, 300)}`).join('\n')}`
    : '; it printed nothing';
}

async function isReady(url: string, signal?: AbortSignal): Promise<boolean> {
  try {
    const signals = [AbortSignal.timeout(2000), ...(signal ? [signal] : [])];
    const r = await fetch(`${url}/-/ready`, { signal: AbortSignal.any(signals) });
    await r.arrayBuffer();
    return r.ok;
  } catch {
    return false;
  }
}

const STOP_GRACE_MS = 5000;

/**
 * Starts a throw-away Prometheus on a free loopback port, scraping `scrape` every interval with each
 * series labelled `rollgate_target`, and waits for `/-/ready`. Its first scrape comes about 5 s
 * after start (Prometheus's discovery throttle): start it before it is needed. Retention is 100
 * years because backfilled series are old and the default 15 days would delete them.
 * Throws ObservationError ROLLGATE_METRICS_PROVIDER naming what was awaited, with its last output.
 */
export async function startPrometheus(o: StartPrometheusOptions): Promise<EmbeddedPrometheus> {
  const intervalMs = o.scrapeIntervalMs ?? 1000;
  const temp = await mkdtemp(path.join(os.tmpdir(), 'rollgate-prometheus-'));
  const dataDir = o.dataDir ?? path.join(temp, 'data');
  const config = path.join(temp, 'prometheus.yml');
  try {
    await mkdir(dataDir, { recursive: true });
    await writeFile(config, prometheusConfig(o.scrape ?? [], intervalMs));
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [
    `--config.file=${config}`,
    `--storage.tsdb.path=${dataDir}`,
    '--storage.tsdb.retention.time=100y',
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ];
  const spawn: SpawnFn =
    o.spawn ??
    ((cmd, a, opts) => execa(cmd, a, { ...opts, reject: false, all: true, stdin: 'ignore', cleanup: true }));
  const child = spawn(o.prometheus, args, { cwd: temp, env: process.env });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 64_000) output = output.slice(-32_000);
  };
  if (child.all) child.all.on('data', collect);
  else {
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
  }
  let exited = false;
  /** How it ended, in words: execa's own short message (`Command failed with ENOENT…`, `…exit code 1`). */
  let ending = '';
  const ended = (r: unknown) => {
    exited = true;
    ending = (r as { shortMessage?: string } | undefined)?.shortMessage ?? describeExit(child);
  };
  const exit = Promise.resolve(child).then(ended, ended);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      o.signal?.removeEventListener('abort', onAbort);
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exit;
        clearTimeout(timer);
      }
      await rm(temp, { recursive: true, force: true });
    })();
    return stopping;
  };
  const onAbort = () => void stop();
  o.signal?.addEventListener('abort', onAbort, { once: true });

  const timeoutMs = o.startTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  const awaited = `Prometheus (${o.prometheus}) to answer ${url}/-/ready`;
  const fail = async (why: string) => {
    const tail = lastLines(output);
    await stop();
    return new ObservationError(`${why} waiting for ${awaited}${tail}`, 'ROLLGATE_METRICS_PROVIDER');
  };
  while (!(await isReady(url, o.signal))) {
    if (o.signal?.aborted) throw await fail('stopped');
    if (exited) throw await fail(`it exited (${ending})`);
    if (Date.now() >= deadline) throw await fail(`no answer within ${timeoutMs} ms`);
    await Promise.race([exit, new Promise((r) => setTimeout(r, 100))]);
  }
  return { url, dataDir, stop };
}

function describeExit(child: ResultPromise): string {
  return child.exitCode !== null ? `code ${child.exitCode}` : `signal ${child.signalCode ?? 'unknown'}`;
}
