import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { execa, type Options } from 'execa';
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

/**
 * Runs a database tool. A missing binary is an ObservationError that says what to install. A
 * non-zero exit is returned, not thrown: whether it means "bad backup" or "could not observe" is
 * the caller's call. The environment is merged, never logged (it may carry PGPASSWORD/MYSQL_PWD).
 */
export async function runTool(
  file: string,
  args: string[],
  options: {
    env?: NodeJS.ProcessEnv;
    signal?: AbortSignal;
    inputFile?: string;
    onLine?: (line: string) => void;
    /** Standard output as it comes, in chunks (instead of `onLine`). */
    onChunk?: (chunk: Buffer) => void;
  } = {},
): Promise<ToolResult> {
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
    forceKillAfterDelay: 2000,
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
  const result = await execa(file, ['--version'], { reject: false });
  if (result.exitCode !== 0) {
    throw new ObservationError(
      `${file} not found on PATH: install the client tools (${toolPackage(file)})`,
      'ROLLGATE_TOOL_MISSING',
    );
  }
  return String(result.stdout).split('\n')[0]?.trim() || file;
}
