import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { execa, type ResultPromise } from 'execa';
import { ObservationError } from '../../authoring/errors.ts';
import { freePort } from '../../free-port.ts';
import { prometheusConfig, type ScrapeTarget } from './prometheus-config.ts';
import { requirePrometheus2 } from './version.ts';

export type { ScrapeTarget };

/** A Prometheus rollgate started: its base URL (the HTTP API is under /api/v1) and data folder. */
export interface EmbeddedPrometheus {
  url: string;
  dataDir: string;
  /** Stops the server and removes its temp folder; safe to call more than once. */
  stop(): Promise<void>;
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
  /** The server's environment (the engine passes the run's); default process.env. */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** How long `/-/ready` may take; default 30000. */
  startTimeoutMs?: number;
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
 * Throws RollgateError ROLLGATE_PROMETHEUS_MISSING when the binary is not a Prometheus 2.x (checked
 * once per path in the process), and ObservationError ROLLGATE_METRICS_PROVIDER naming what was
 * awaited, with its last output, when it does not come up.
 */
export async function startPrometheus(o: StartPrometheusOptions): Promise<EmbeddedPrometheus> {
  const env = o.env ?? process.env;
  await requirePrometheus2(o.prometheus, env);
  o.signal?.throwIfAborted();
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
    ((cmd, a, opts) =>
      // extendEnv: false, so the environment given is the whole of it, as with a ChildSet.
      execa(cmd, a, { ...opts, extendEnv: false, reject: false, all: true, stdin: 'ignore', cleanup: true }));
  const child = spawn(o.prometheus, args, { cwd: temp, env });
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
