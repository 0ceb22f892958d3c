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

/**
 * Starts the embedded app and waits until it prints its URL and answers HTTP. Throws with the
 * app's own output when it exits or stays silent past its start timeout.
 */
export async function startEmbedded(
  spec: Embedded,
  children: ChildSet,
  opts: { cwd: string; env: NodeJS.ProcessEnv; extraEnv: Record<string, string>; signal: AbortSignal },
): Promise<StartedTarget> {
  const [cmd, ...args] = spec.command;
  const child = children.spawn(cmd!, args, { cwd: opts.cwd, env: { ...opts.env, ...opts.extraEnv } });
  let output = '';
  const pattern = new RegExp(spec.readyPattern);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`did not print its URL within ${spec.startTimeoutMs} ms`)),
      spec.startTimeoutMs,
    );
    const onAbort = () => reject(new Error('stopped before it was ready'));
    opts.signal.addEventListener('abort', onAbort, { once: true });
    child.all?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const m = pattern.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve((m[1] ?? m[0]).replace(/\/+$/, ''));
      }
    });
    child.then((r) => {
      clearTimeout(timer);
      reject(
        new Error(
          `exited with code ${r.exitCode}${r.signal ? ` (${r.signal})` : ''} before it was ready: ${output.trim().slice(-600)}`,
        ),
      );
    });
  });
  const deadline = Date.now() + spec.startTimeoutMs;
  while (!(await answers(url + spec.readyPath, opts.signal))) {
    if (opts.signal.aborted) throw new Error('stopped before it was ready');
    if (Date.now() > deadline) throw new Error(`printed ${url} but ${spec.readyPath} never answered`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { baseURL: url, env: opts.extraEnv };
}
