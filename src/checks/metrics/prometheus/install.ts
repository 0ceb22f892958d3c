import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { RollgateError } from '../../../config/errors.ts';
import { isExecutable, PROMETHEUS_CACHE } from './binaries.ts';
import { prometheusVersion } from './version.ts';

export { prometheusVersion };

export interface InstalledPrometheus {
  prometheus: string;
  promtool: string;
  /** As `prometheus --version` prints it. @example '2.42.0+ds' */
  version: string;
}

const failed = (message: string) => new RollgateError('ROLLGATE_PROMETHEUS_MISSING', message);

const NO_TOOLS_FIX =
  "install Debian's prometheus (`sudo apt-get install prometheus`), or set ROLLGATE_PROMETHEUS=/path/to/prometheus";

/** Runs a tool of the install, its output in the error when it fails or is missing. */
async function run(
  file: string,
  args: string[],
  cwd: string,
  what: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  const r = await execa(file, args, {
    cwd,
    reject: false,
    all: true,
    stdin: 'ignore',
    timeout: 300_000,
    ...(signal ? { cancelSignal: signal } : {}),
  });
  // Stopped on purpose: the caller says so, not as a failed download.
  signal?.throwIfAborted();
  if ((r as { code?: string }).code === 'ENOENT')
    throw failed(`${what}: ${file} is not installed (this needs Debian's apt tools); ${NO_TOOLS_FIX}`);
  if (r.exitCode !== 0) {
    const out = (r.all ?? '').trim().split('\n').slice(-8).join('\n    ');
    throw failed(
      `${what}: \`${file} ${args.join(' ')}\` failed (${r.shortMessage})${out ? `:\n    ${out}` : ''}\nFix: run \`sudo apt-get update\` when the package is not found, or ${NO_TOOLS_FIX}`,
    );
  }
}

/**
 * Puts Debian's prometheus package (prometheus and promtool) into `<root>/.cache/rollgate/prometheus`
 * without root and without a system service: `apt-get download prometheus` into a temp folder,
 * `dpkg-deb -x` into `prometheus.partial`, checked with `--version`, then renamed into place, so a
 * half extraction is never used. A cache that already runs is returned as it is. `signal` stops
 * apt-get or dpkg-deb and throws its reason; the temp folder and `.partial` are removed either way.
 */
export async function installPrometheus(o: {
  root: string;
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
}): Promise<InstalledPrometheus> {
  const say = o.onProgress ?? (() => {});
  const final = path.join(o.root, PROMETHEUS_CACHE);
  const partial = `${final}.partial`;
  const binaries = (dir: string) => ({
    prometheus: path.join(dir, 'usr', 'bin', 'prometheus'),
    promtool: path.join(dir, 'usr', 'bin', 'promtool'),
  });
  const have = binaries(final);
  const cachedVersion = await prometheusVersion(have.prometheus);
  if (cachedVersion && isExecutable(have.promtool)) {
    say(`Prometheus ${cachedVersion} is already in ${final}`);
    return { ...have, version: cachedVersion };
  }
  const temp = await mkdtemp(path.join(os.tmpdir(), 'rollgate-prometheus-deb-'));
  try {
    say("downloading Debian's prometheus package (apt-get download prometheus, about 19 MB, no root)");
    await run('apt-get', ['download', 'prometheus'], temp, 'downloading prometheus', o.signal);
    const deb = (await readdir(temp)).find((f) => /^prometheus_.*\.deb$/.test(f));
    if (!deb)
      throw failed(`apt-get download prometheus wrote no prometheus_*.deb into ${temp}; ${NO_TOOLS_FIX}`);
    say(`extracting ${deb} (dpkg-deb -x)`);
    await rm(partial, { recursive: true, force: true });
    await mkdir(partial, { recursive: true });
    await run('dpkg-deb', ['-x', path.join(temp, deb), partial], temp, `extracting ${deb}`, o.signal);
    const fresh = binaries(partial);
    const version = await prometheusVersion(fresh.prometheus);
    if (!version || !isExecutable(fresh.promtool))
      throw failed(
        `${deb} did not give a working Prometheus 2.x (\`prometheus --version\` of ${fresh.prometheus}); ${NO_TOOLS_FIX}`,
      );
    o.signal?.throwIfAborted();
    // Replaces a cache that did not run; the rename is what makes the new one visible at once.
    await rm(final, { recursive: true, force: true });
    await rename(partial, final);
    say(`Prometheus ${version} installed in ${final}`);
    return { ...have, version };
  } finally {
    await rm(temp, { recursive: true, force: true });
    await rm(partial, { recursive: true, force: true });
  }
}
