import { execa } from 'execa';
import { RollgateError } from '../../../config/errors.ts';
import { isExecutable } from './binaries.ts';

const VERSION = /prometheus, version (\S+)/;

/** What `prometheus --version` said: the version it printed (any major), and its output. */
export async function readPrometheusVersion(
  prometheus: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ version?: string; output: string }> {
  if (!isExecutable(prometheus)) return { output: 'not an executable file' };
  const r = await execa(prometheus, ['--version'], {
    reject: false,
    all: true,
    stdin: 'ignore',
    env,
    extendEnv: false,
    timeout: 20_000,
  });
  const output = String(r.all ?? '').trim() || (r.shortMessage ?? '');
  const version = r.exitCode === 0 ? VERSION.exec(String(r.all ?? ''))?.[1] : undefined;
  return version ? { version, output } : { output };
}

/** `prometheus --version`'s version when the binary runs and is a 2.x, else undefined. */
export async function prometheusVersion(prometheus: string): Promise<string | undefined> {
  const { version } = await readPrometheusVersion(prometheus);
  return version?.startsWith('2.') ? version : undefined;
}

const FIX = 'fix: npx rollgate prometheus install or ROLLGATE_PROMETHEUS=<a 2.x binary>';

/** Binaries already found to be a 2.x in this process: a watch starts Prometheus once per series. */
const checked = new Map<string, string>();

/**
 * The version of `prometheus` when it is a 2.x; anything else is refused with RollgateError
 * ROLLGATE_PROMETHEUS_MISSING. Prometheus 3 range selectors leave out the sample at their start,
 * so a load window's increase() would miss its first scrape and the counts rollgate checks
 * against what the load sent would be wrong. A 2.x answer is remembered per path for the process.
 * @example await requirePrometheus2('/usr/bin/prometheus') // '2.42.0+ds'
 */
export async function requirePrometheus2(prometheus: string, env?: NodeJS.ProcessEnv): Promise<string> {
  const known = checked.get(prometheus);
  if (known) return known;
  const { version, output } = await readPrometheusVersion(prometheus, env);
  if (!version)
    throw new RollgateError(
      'ROLLGATE_PROMETHEUS_MISSING',
      `${prometheus} does not answer \`--version\` as a Prometheus 2.x (it said: ${output.split('\n')[0]!.slice(0, 200) || 'nothing'}); rollgate needs Prometheus 2.x (Debian's 2.42); ${FIX}`,
    );
  if (!version.startsWith('2.'))
    throw new RollgateError(
      'ROLLGATE_PROMETHEUS_MISSING',
      `rollgate needs Prometheus 2.x (Debian's 2.42): ${prometheus} is ${version}; from 3.0 a range selector leaves out the sample at its start, so a load window's counts would miss its first scrape and no longer match what the load sent; ${FIX}`,
    );
  checked.set(prometheus, version);
  return version;
}
