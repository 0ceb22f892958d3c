import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { Options } from 'execa';
import { ObservationError } from '../authoring/errors.ts';

export interface ToolResult {
  exitCode: number;
  stderr: string;
  /** The first line that says what went wrong (`pg_restore: error: …`), else the last stderr line. */
  errorLine: string;
}

const ERROR_LINE = /(^|:\s)(error|fatal|ERROR|FATAL)\b|^ERROR\s\d+/;

export function firstErrorLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.find((l) => ERROR_LINE.test(l)) ?? lines.at(-1) ?? '';
}

export interface ToolOptions {
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  inputFile?: string;
  onLine?: (line: string) => void;
  /** Standard output as it comes, in chunks (instead of `onLine`). */
  onChunk?: (chunk: Buffer) => void;
}

/** A child stopped by the signal gets this long to end before it is killed. */
const FORCE_KILL_AFTER_MS = 2000;

/**
 * Runs a database tool. A missing binary is an ObservationError that says what to install. A
 * non-zero exit is returned, not thrown: whether it means "bad backup" or "could not observe" is
 * the caller's call. The environment is merged, never logged (it may carry PGPASSWORD/MYSQL_PWD).
 * Through execa, whose clean-up also kills the tool when rollgate is killed by a signal no one
 * else handles: taking a backup needs that (pg_dump would go on reading the live database).
 */
export async function runTool(file: string, args: string[], options: ToolOptions = {}): Promise<ToolResult> {
  const { execa } = await import('execa');
  const execaOptions = {
    // The caller's connection settings only: an inherited PGPASSWORD, PGSERVICE or MYSQL_HOST
    // must not send a restore to another server or user.
    env: { ...inheritedEnv(), ...options.env },
    extendEnv: false,
    reject: false,
    stdin: options.inputFile ? { file: options.inputFile } : 'ignore',
    stdout: options.onLine || options.onChunk ? 'pipe' : 'ignore',
    buffer: { stdout: false, stderr: true },
    stripFinalNewline: true,
    cancelSignal: options.signal,
    // A tool stuck on a lock must not outlive the run that started it.
    cleanup: true,
    forceKillAfterDelay: FORCE_KILL_AFTER_MS,
  } satisfies Options;
  const child = execa(file, args, execaOptions);
  if ((options.onLine || options.onChunk) && child.stdout) {
    try {
      if (options.onChunk)
        for await (const chunk of child.stdout as AsyncIterable<Buffer>) options.onChunk(chunk);
      else if (options.onLine) await forEachLine(child.stdout, options.onLine);
    } catch {
      // The child failed to start or was stopped; its result below says which.
    }
  }
  const result = await child;
  if ((result as { code?: string }).code === 'ENOENT') {
    throw new ObservationError(
      `${file} not found on PATH: install the client tools (${toolPackage(file)})`,
      'ROLLGATE_TOOL_MISSING',
    );
  }
  if (result.isCanceled) throw options.signal?.reason ?? new Error(`${file} was cancelled`);
  const stderr = String(result.stderr ?? '').slice(-8000);
  return { exitCode: result.exitCode ?? -1, stderr, errorLine: firstErrorLine(stderr) };
}

/** Verification tools still running; killed if rollgate exits while they do. */
const running = new Set<ChildProcess>();
let exitHook = false;

/**
 * `runTool` for the tools of a verification (pg_restore reading a dump, a restore into a scratch
 * database), on node:child_process: no execa to load, for a command that runs nothing else. Same
 * result, errors, environment and stop on `signal` (SIGTERM, SIGKILL 2 s later). They need no
 * kill on a signal: one reading a dump dies on its closed pipe, and a restore with its scratch
 * database, which the signal clean-up drops (cleanup-registry.ts); they are killed on exit.
 */
export async function runVerifyTool(
  file: string,
  args: string[],
  options: ToolOptions = {},
): Promise<ToolResult> {
  const reads = Boolean(options.onLine || options.onChunk);
  options.signal?.throwIfAborted();
  const input = options.inputFile ? openSync(options.inputFile, 'r') : undefined;
  let child: ChildProcess;
  try {
    child = spawn(file, args, {
      // The caller's connection settings only, as runTool.
      env: { ...inheritedEnv(), ...options.env },
      stdio: [input ?? 'ignore', reads ? 'pipe' : 'ignore', 'pipe'],
    });
  } finally {
    if (input !== undefined) closeSync(input); // the child has its own copy
  }
  running.add(child);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const c of running) c.kill('SIGKILL');
    });
  }
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    stderr += text;
    if (stderr.length > 64_000) stderr = stderr.slice(-16_000); // only the end is reported
  });
  let startError: NodeJS.ErrnoException | undefined;
  const ended = new Promise<number | null>((resolve) => {
    child.once('error', (error) => {
      startError = error;
      resolve(null);
    });
    child.once('close', (code) => resolve(code));
  });
  let stopped = false;
  let forceKill: NodeJS.Timeout | undefined;
  const stop = () => {
    stopped = true;
    child.kill('SIGTERM');
    forceKill = setTimeout(() => child.kill('SIGKILL'), FORCE_KILL_AFTER_MS);
    forceKill.unref();
  };
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    if (reads && child.stdout) {
      try {
        if (options.onChunk)
          for await (const chunk of child.stdout as AsyncIterable<Buffer>) options.onChunk(chunk);
        else if (options.onLine) await forEachLine(child.stdout, options.onLine);
      } catch {
        // The child failed to start or was stopped; its result below says which.
      }
    }
    const code = await ended;
    if (startError?.code === 'ENOENT') {
      throw new ObservationError(
        `${file} not found on PATH: install the client tools (${toolPackage(file)})`,
        'ROLLGATE_TOOL_MISSING',
      );
    }
    if (stopped) throw options.signal?.reason ?? new Error(`${file} was cancelled`);
    const tail = (startError ? `${stderr}${startError.message}` : stderr).replace(/\r?\n$/, '').slice(-8000);
    return { exitCode: code ?? -1, stderr: tail, errorLine: firstErrorLine(tail) };
  } finally {
    options.signal?.removeEventListener('abort', stop);
    clearTimeout(forceKill);
    running.delete(child);
  }
}

/**
 * Calls `onLine` with each line of a text stream, without its `\n` or `\r\n`; a last line
 * without a newline counts. Split with indexOf on decoded chunks: a dump's output runs to millions
 * of lines, and a per-character split costs more than the tool that writes them.
 */
export async function forEachLine(stream: Readable, onLine: (line: string) => void): Promise<void> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  const emit = (line: string) => onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const text = decoder.write(chunk);
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      const line = text.slice(start, end);
      if (rest) {
        emit(rest + line);
        rest = '';
      } else emit(line);
      start = end + 1;
    }
    if (start < text.length) rest += text.slice(start);
  }
  rest += decoder.end();
  if (rest) emit(rest);
}

const CONNECTION_VARS = /^(PG[A-Z_]+|MYSQL_[A-Z_]+|MARIADB_[A-Z_]+)$/;

function inheritedEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !CONNECTION_VARS.test(name)));
}

function toolPackage(file: string): string {
  return /^(pg_|psql)/.test(file)
    ? 'postgresql-client'
    : /^(mariadb|mysql)/.test(file)
      ? 'mariadb-client'
      : file;
}

/** First line of a tool's version output, for the manifest. */
export async function toolVersion(file: string): Promise<string> {
  const { execa } = await import('execa');
  const result = await execa(file, ['--version'], { reject: false });
  if (result.exitCode !== 0) {
    throw new ObservationError(
      `${file} not found on PATH: install the client tools (${toolPackage(file)})`,
      'ROLLGATE_TOOL_MISSING',
    );
  }
  return String(result.stdout).split('\n')[0]?.trim() || file;
}
