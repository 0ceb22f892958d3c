import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { cacheBinDir, findPrometheus } from '../../src/checks/metrics/prometheus/binaries.ts';
import { installPrometheus } from '../../src/checks/metrics/prometheus/install.ts';
import { RollgateError } from '../../src/config/errors.ts';
import { cleanEnv, ROOT } from '../e2e/helpers.ts';
import { cliIn } from '../unit/cli-in.ts';

// The real binaries this checkout uses (its cache after `npm run setup`); every test root links to
// them, so nothing downloads.
const REAL = findPrometheus({ root: path.resolve(import.meta.dirname, '../..'), env: process.env });
const temps: string[] = [];
const temp = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rollgate-bin-test-'));
  temps.push(dir);
  return dir;
};
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
});

/** A project root whose cache holds the real binaries (linked). */
function rootWithCache(): string {
  const root = temp();
  const bin = cacheBinDir(root);
  mkdirSync(bin, { recursive: true });
  symlinkSync(REAL.prometheus, path.join(bin, 'prometheus'));
  symlinkSync(REAL.promtool, path.join(bin, 'promtool'));
  return root;
}

/** A folder of executable shell scripts, for PATH. */
function scripts(files: Record<string, string>): string {
  const dir = temp();
  for (const [name, body] of Object.entries(files)) {
    writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(path.join(dir, name), 0o755);
  }
  return dir;
}

function thrown(f: () => unknown): RollgateError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(RollgateError);
    return error as RollgateError;
  }
  throw new Error('expected it to throw');
}

describe('findPrometheus', () => {
  it('takes ROLLGATE_PROMETHEUS first, promtool beside it or ROLLGATE_PROMTOOL', () => {
    const root = rootWithCache();
    const pathDir = scripts({ prometheus: 'exit 0', promtool: 'exit 0' });
    const given = scripts({ prometheus: 'exit 0', promtool: 'exit 0' });
    const env = { ROLLGATE_PROMETHEUS: path.join(given, 'prometheus'), PATH: pathDir };
    expect(findPrometheus({ root, env })).toEqual({
      prometheus: path.join(given, 'prometheus'),
      promtool: path.join(given, 'promtool'),
      source: 'ROLLGATE_PROMETHEUS',
    });
    const other = path.join(pathDir, 'promtool');
    expect(findPrometheus({ root, env: { ...env, ROLLGATE_PROMTOOL: other } }).promtool).toBe(other);
  });

  it('then both on PATH, then the cache', () => {
    const root = rootWithCache();
    const pathDir = scripts({ prometheus: 'exit 0', promtool: 'exit 0' });
    expect(findPrometheus({ root, env: { PATH: `/nonexistent:${pathDir}` } })).toEqual({
      prometheus: path.join(pathDir, 'prometheus'),
      promtool: path.join(pathDir, 'promtool'),
      source: 'PATH',
    });
    // Only one of the two on PATH is not enough: the cache is used.
    const half = scripts({ prometheus: 'exit 0' });
    expect(findPrometheus({ root, env: { PATH: half } })).toEqual({
      prometheus: path.join(cacheBinDir(root), 'prometheus'),
      promtool: path.join(cacheBinDir(root), 'promtool'),
      source: 'cache',
    });
  });

  it('refuses a ROLLGATE_PROMETHEUS that names nothing instead of falling through', () => {
    const e = thrown(() =>
      findPrometheus({ root: rootWithCache(), env: { ROLLGATE_PROMETHEUS: '/nowhere/prometheus' } }),
    );
    expect(e.code).toBe('ROLLGATE_PROMETHEUS_MISSING');
    expect(e.message).toContain('ROLLGATE_PROMETHEUS=/nowhere/prometheus is not an executable file');
  });

  it('refuses a ROLLGATE_PROMETHEUS without a promtool beside it', () => {
    const dir = scripts({ prometheus: 'exit 0' });
    const e = thrown(() =>
      findPrometheus({ root: temp(), env: { ROLLGATE_PROMETHEUS: path.join(dir, 'prometheus') } }),
    );
    expect(e.code).toBe('ROLLGATE_PROMETHEUS_MISSING');
    expect(e.message).toContain('ROLLGATE_PROMTOOL');
  });

  it('with an empty PATH and an empty root, lists what it looked at and the fixes', () => {
    const root = temp();
    const e = thrown(() => findPrometheus({ root, env: { PATH: '' } }));
    expect(e.code).toBe('ROLLGATE_PROMETHEUS_MISSING');
    expect(e.message).toContain('ROLLGATE_PROMETHEUS is not set');
    expect(e.message).toContain('neither prometheus nor promtool on PATH');
    expect(e.message).toContain(cacheBinDir(root));
    for (const fix of [
      'npx rollgate prometheus install',
      'apt-get install prometheus',
      'ROLLGATE_PROMETHEUS=',
    ])
      expect(e.message).toContain(fix);
  });
});

describe('installPrometheus', () => {
  it('returns a working cache without running apt-get', async () => {
    const root = rootWithCache();
    const marker = path.join(temp(), 'apt-get-ran');
    vi.stubEnv(
      'PATH',
      `${scripts({ 'apt-get': `touch ${marker}; exit 1`, 'dpkg-deb': 'exit 1' })}:/usr/bin:/bin`,
    );
    const lines: string[] = [];
    const got = await installPrometheus({ root, onProgress: (l) => lines.push(l) });
    expect(got).toEqual({
      prometheus: path.join(cacheBinDir(root), 'prometheus'),
      promtool: path.join(cacheBinDir(root), 'promtool'),
      version: expect.stringMatching(/^2\./),
    });
    expect(existsSync(marker)).toBe(false);
    expect(lines.join('\n')).toContain('already in');
  });

  it('without apt-get, names the fix and leaves no partial folder', async () => {
    const root = temp();
    vi.stubEnv('PATH', scripts({}));
    const error = await installPrometheus({ root }).catch((e: RollgateError) => e);
    expect(error).toBeInstanceOf(RollgateError);
    expect((error as RollgateError).code).toBe('ROLLGATE_PROMETHEUS_MISSING');
    expect((error as Error).message).toMatch(/apt-get is not installed.*ROLLGATE_PROMETHEUS=/s);
    expect(existsSync(path.join(root, '.cache/rollgate/prometheus.partial'))).toBe(false);
    expect(existsSync(path.join(root, '.cache/rollgate/prometheus'))).toBe(false);
  });

  it("a failing download shows apt-get's own output", async () => {
    const root = temp();
    vi.stubEnv('PATH', scripts({ 'apt-get': 'echo "E: Unable to locate package prometheus" >&2; exit 100' }));
    const error = (await installPrometheus({ root }).catch((e: Error) => e)) as Error;
    expect(error.message).toContain('E: Unable to locate package prometheus');
    expect(error.message).toContain('apt-get update');
  });
});

describe('rollgate prometheus', () => {
  it('where: prints the binaries and their source, exit 0', async () => {
    const root = rootWithCache();
    vi.stubEnv('ROLLGATE_PROMETHEUS', '');
    vi.stubEnv('PATH', '/nonexistent');
    const r = await cliIn(root, ['prometheus', 'where']);
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      `prometheus: ${path.join(cacheBinDir(root), 'prometheus')} (from cache, version 2.`,
    );
    expect(r.out).toContain(`promtool:   ${path.join(cacheBinDir(root), 'promtool')}`);
  });

  it('where: nothing found is the error with its fixes, exit 2', async () => {
    vi.stubEnv('ROLLGATE_PROMETHEUS', '');
    vi.stubEnv('PATH', '/nonexistent');
    const r = await cliIn(temp(), ['prometheus', 'where']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('no Prometheus found');
    expect(r.err).toContain('npx rollgate prometheus install');
    expect(r.err).toContain('(ROLLGATE_PROMETHEUS_MISSING;');
  });

  it('where: a binary that is not a Prometheus 2.x is refused, exit 2', async () => {
    const fake = scripts({ prometheus: 'echo "not prometheus"', promtool: 'exit 0' });
    vi.stubEnv('ROLLGATE_PROMETHEUS', path.join(fake, 'prometheus'));
    const r = await cliIn(temp(), ['prometheus', 'where']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('does not answer `--version` as a Prometheus 2.x');
  });

  it('install: with a working cache prints the paths, exit 0', async () => {
    const root = rootWithCache();
    const r = await cliIn(root, ['prometheus', 'install']);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`prometheus: ${path.join(cacheBinDir(root), 'prometheus')}`);
  });

  it('an unknown verb is a bad argument, exit 2', async () => {
    const r = await cliIn(temp(), ['prometheus', 'start']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('usage: rollgate prometheus install | rollgate prometheus where');
  });

  it('install stopped by SIGTERM mid-extraction: exit 2 "interrupted", no temp folder, no .partial, the tool stopped', async () => {
    const root = temp();
    const tmp = temp();
    const pidFile = path.join(temp(), 'dpkg-deb.pid');
    // A download that succeeds at once and an extraction that hangs until it is stopped.
    const fakes = scripts({
      'apt-get': 'echo deb > prometheus_2.42.0+ds-1_amd64.deb',
      'dpkg-deb': `mkdir -p "$3/usr/bin"; echo $$ > "${pidFile}"; exec sleep 120`,
    });
    const child = execa(process.execPath, [path.join(ROOT, 'bin/rollgate.mjs'), 'prometheus', 'install'], {
      cwd: root,
      env: cleanEnv({ PATH: `${fakes}:/usr/bin:/bin`, TMPDIR: tmp }),
      extendEnv: false,
      reject: false,
      all: true,
    });
    const deadline = Date.now() + 60_000;
    while (!existsSync(pidFile) || !readFileSync(pidFile, 'utf8').trim()) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`dpkg-deb never ran: ${(await child).all}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const partial = path.join(root, '.cache/rollgate/prometheus.partial');
    expect(existsSync(partial)).toBe(true);
    expect(readdirSync(tmp).filter((f) => f.startsWith('rollgate-prometheus-deb-'))).toHaveLength(1);
    child.kill('SIGTERM');
    const r = await child;
    expect(r.exitCode, r.all).toBe(2);
    expect(r.stderr).toContain('rollgate: interrupted (SIGTERM): nothing was installed');
    expect(readdirSync(tmp).filter((f) => f.startsWith('rollgate-'))).toEqual([]);
    expect(existsSync(partial)).toBe(false);
    expect(existsSync(path.join(root, '.cache/rollgate/prometheus'))).toBe(false);
    // The stopped extraction's process is gone (or its pid is now another program's).
    const pid = readFileSync(pidFile, 'utf8').trim();
    const still = existsSync(`/proc/${pid}`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : '';
    expect(still).not.toContain('sleep');
  });
});
