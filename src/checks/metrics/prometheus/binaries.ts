import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { RollgateError } from '../../../config/errors.ts';

/** Where `rollgate prometheus install` extracts Debian's package, under the project root. */
export const PROMETHEUS_CACHE = path.join('.cache', 'rollgate', 'prometheus');

/** The folder of the cached binaries (`usr/bin` of the extracted package). */
export const cacheBinDir = (root: string) => path.join(root, PROMETHEUS_CACHE, 'usr', 'bin');

export interface PrometheusBinaries {
  prometheus: string;
  promtool: string;
  /** Where they were found: the environment variable, PATH, or the project's cache. */
  source: 'ROLLGATE_PROMETHEUS' | 'PATH' | 'cache';
}

/** What fixes a missing Prometheus, for every message that says one is missing. */
export const PROMETHEUS_FIXES =
  "run `npx rollgate prometheus install` (extracts Debian's prometheus package into .cache/rollgate/, no root), or `sudo apt-get install prometheus`, or set ROLLGATE_PROMETHEUS=/path/to/prometheus";

/** A regular file this process may execute. */
export function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, name);
    if (isExecutable(file)) return file;
  }
  return undefined;
}

const missing = (message: string) => new RollgateError('ROLLGATE_PROMETHEUS_MISSING', message);

/**
 * The Prometheus and promtool binaries rollgate runs: `ROLLGATE_PROMETHEUS` (promtool beside it, or
 * `ROLLGATE_PROMTOOL`), else both on PATH, else the project's cache (`rollgate prometheus install`).
 * A variable that names no executable is an error of its own, never a silent fall-through to
 * another copy. Throws RollgateError ROLLGATE_PROMETHEUS_MISSING (nothing can start without it) listing what was looked at.
 * @example findPrometheus({ root: process.cwd(), env: process.env }).prometheus // '/usr/bin/prometheus'
 */
export function findPrometheus(o: { root: string; env: NodeJS.ProcessEnv }): PrometheusBinaries {
  const { env } = o;
  if (env.ROLLGATE_PROMETHEUS) {
    const prometheus = path.resolve(o.root, env.ROLLGATE_PROMETHEUS);
    if (!isExecutable(prometheus))
      throw missing(
        `ROLLGATE_PROMETHEUS=${env.ROLLGATE_PROMETHEUS} is not an executable file: point it at a prometheus binary (Debian's prometheus 2.x), or unset it to use PATH or the cache`,
      );
    const promtool = env.ROLLGATE_PROMTOOL
      ? path.resolve(o.root, env.ROLLGATE_PROMTOOL)
      : path.join(path.dirname(prometheus), 'promtool');
    if (!isExecutable(promtool))
      throw missing(
        env.ROLLGATE_PROMTOOL
          ? `ROLLGATE_PROMTOOL=${env.ROLLGATE_PROMTOOL} is not an executable file: point it at the promtool of the same Prometheus`
          : `no promtool beside ROLLGATE_PROMETHEUS (${promtool}): put promtool there or set ROLLGATE_PROMTOOL=/path/to/promtool`,
      );
    return { prometheus, promtool, source: 'ROLLGATE_PROMETHEUS' };
  }
  const pathPrometheus = onPath('prometheus', env);
  const pathPromtool = onPath('promtool', env);
  if (pathPrometheus && pathPromtool)
    return { prometheus: pathPrometheus, promtool: pathPromtool, source: 'PATH' };
  const dir = cacheBinDir(o.root);
  const cached = { prometheus: path.join(dir, 'prometheus'), promtool: path.join(dir, 'promtool') };
  if (isExecutable(cached.prometheus) && isExecutable(cached.promtool)) return { ...cached, source: 'cache' };
  const onPathSaw =
    pathPrometheus || pathPromtool
      ? `only ${pathPrometheus ? `prometheus (${pathPrometheus})` : `promtool (${pathPromtool})`} on PATH, both are needed`
      : 'neither prometheus nor promtool on PATH';
  throw missing(
    `no Prometheus found: ROLLGATE_PROMETHEUS is not set; ${onPathSaw}; nothing in the cache ${dir}. Fix: ${PROMETHEUS_FIXES}`,
  );
}
