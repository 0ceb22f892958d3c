import { stripVTControlCharacters } from 'node:util';
import { freePort } from '../checks/free-port.ts';
import type { Embedded } from '../model/runbook.ts';
import type { ChildSet } from './children.ts';

export interface StartedTarget {
  baseURL: string;
  /** Environment the app was started with (suites get it too: database URL, secrets). */
  env: Record<string, string>;
}

export function expandEnv(env: Record<string, string>, vars: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => [k, v.replace(/\{(\w+)\}/g, (m, n: string) => vars[n] ?? m)]),
  );
}

async function answers(url: string, signal: AbortSignal): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(2000)]), redirect: 'manual' });
    return true; // Any HTTP answer means it is up; whether it is healthy is for the checks to say.
  } catch {
    return false;
  }
}

/** Lines of output kept for a start error: enough to show the app's own complaint. */
const TAIL_LINES = 12;

/** The app's last output lines, ANSI codes stripped, indented under the error. */
function lastLines(output: string): string {
  const lines = stripVTControlCharacters(output).trimEnd().split('\n').slice(-TAIL_LINES);
  return lines.length && lines.join('').trim()
    ? `; its last output lines:\n${lines.map((l) => `    ${l.slice(0, 300)}`).join('\n')}`
    : '; it printed nothing';
}

const PORT = /\{port\}/g;

/**
 * Starts the embedded app and waits until it is ready: it prints a line matching `readyPattern`
 * (ANSI codes stripped; the first group is its URL), or, when its command or environment uses
 * `{port}`, rollgate picks the port and the URL is known; then `readyPath` must answer HTTP. Every
 * start error names what was awaited and shows the app's last output lines.
 */
export async function startEmbedded(
  spec: Embedded,
  children: ChildSet,
  opts: { cwd: string; env: NodeJS.ProcessEnv; extraEnv: Record<string, string>; signal: AbortSignal },
): Promise<StartedTarget> {
  const usesPort = [...spec.command, ...Object.values(opts.extraEnv)].some((v) => v.includes('{port}'));
  const port = usesPort ? String(await freePort()) : '';
  const extraEnv = usesPort
    ? Object.fromEntries(Object.entries(opts.extraEnv).map(([k, v]) => [k, v.replace(PORT, port)]))
    : opts.extraEnv;
  const [cmd, ...args] = spec.command.map((a) => a.replace(PORT, port));
  const child = children.spawn(cmd!, args, { cwd: opts.cwd, env: { ...opts.env, ...extraEnv } });
  let output = '';
  child.all?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 64_000) output = output.slice(-32_000);
  });
  const pattern = new RegExp(spec.readyPattern);
  const awaited = usesPort
    ? `${spec.readyPath} to answer at http://127.0.0.1:${port}`
    : `a line matching /${spec.readyPattern}/`;
  const exited = new Promise<never>((_resolve, reject) => {
    child.then(
      (r) =>
        reject(
          new Error(
            `exited with code ${r.exitCode}${r.signal ? ` (${r.signal})` : ''} while waiting for ${awaited}${lastLines(output)}`,
          ),
        ),
      (e: Error) => reject(new Error(`could not run ${cmd}: ${e.message}`)),
    );
  });
  exited.catch(() => {});
  const url = usesPort
    ? `http://127.0.0.1:${port}`
    : await Promise.race([
        exited,
        new Promise<string>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`waited ${spec.startTimeoutMs} ms for ${awaited}${lastLines(output)}`)),
            spec.startTimeoutMs,
          );
          opts.signal.addEventListener('abort', () => reject(new Error('stopped before it was ready')), {
            once: true,
          });
          const look = () => {
            const m = pattern.exec(stripVTControlCharacters(output));
            if (!m) return;
            clearTimeout(timer);
            child.all?.off('data', look);
            resolve((m[1] ?? m[0]).replace(/\/+$/, ''));
          };
          child.all?.on('data', look);
        }),
      ]);
  const deadline = Date.now() + spec.startTimeoutMs;
  const ready = async () => {
    while (!(await answers(url + spec.readyPath, opts.signal))) {
      if (opts.signal.aborted) throw new Error('stopped before it was ready');
      if (Date.now() > deadline)
        throw new Error(
          `${url}${spec.readyPath} never answered within ${spec.startTimeoutMs} ms${lastLines(output)}`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await Promise.race([exited, ready()]);
  return { baseURL: url, env: extraEnv };
}
