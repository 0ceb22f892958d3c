import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { ObservationError } from '../../src/checks/authoring/errors.ts';
import { startPrometheus } from '../../src/checks/metrics/prometheus/server.ts';
import { requirePrometheus2 } from '../../src/checks/metrics/prometheus/version.ts';
import { RollgateError } from '../../src/config/errors.ts';
import { cliIn } from '../unit/cli-in.ts';

// Shell scripts standing in for a Prometheus binary: what is tested is rollgate's refusal of a
// version it cannot use, and what it hands the process it starts, not Prometheus itself.
const dir = mkdtempSync(path.join(os.tmpdir(), 'rollgate-version-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

let n = 0;
/** A fresh folder each time (the version check is remembered per path), with a promtool beside it. */
function fake(body: string): string {
  const bin = path.join(dir, `bin-${++n}`);
  mkdirSync(bin);
  for (const [name, text] of [
    ['prometheus', body],
    ['promtool', 'exit 0'],
  ] as const) {
    writeFileSync(path.join(bin, name), `#!/bin/sh\n${text}\n`);
    chmodSync(path.join(bin, name), 0o755);
  }
  return path.join(bin, 'prometheus');
}

/** A 2.x that answers --version (counting each call in `count`) and then runs `rest`. */
const answering2x = (count: string, rest: string) =>
  `if [ "$1" = "--version" ]; then echo called >> "${count}"; echo "prometheus, version 2.42.0+ds (branch: debian/sid)"; exit 0; fi\n${rest}`;

describe('only Prometheus 2.x is started', () => {
  it('a 3.x is refused before anything starts: ROLLGATE_PROMETHEUS_MISSING naming the path, the version, why and the fix', async () => {
    const bin = fake('echo "prometheus, version 3.1.0 (branch: HEAD)"; [ "$1" = "--version" ] || sleep 30');
    // A temp folder of its own, so other tests' servers are not counted.
    const tmp = mkdtempSync(path.join(dir, 'tmp-'));
    vi.stubEnv('TMPDIR', tmp);
    const error = await startPrometheus({ prometheus: bin, startTimeoutMs: 5000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RollgateError);
    expect((error as RollgateError).code).toBe('ROLLGATE_PROMETHEUS_MISSING');
    const message = (error as Error).message;
    expect(message).toContain(`rollgate needs Prometheus 2.x (Debian's 2.42): ${bin} is 3.1.0`);
    expect(message).toContain('leaves out the sample at its start');
    expect(message).toContain('fix: npx rollgate prometheus install or ROLLGATE_PROMETHEUS=<a 2.x binary>');
    expect(readdirSync(tmp)).toEqual([]); // no temp folder made for a server never started
  });

  it('a binary that does not answer --version is refused, quoting what it said', async () => {
    const bin = fake('echo "usage: something else" >&2; exit 64');
    const error = (await requirePrometheus2(bin).catch((e: unknown) => e)) as RollgateError;
    expect(error).toBeInstanceOf(RollgateError);
    expect(error.code).toBe('ROLLGATE_PROMETHEUS_MISSING');
    expect(error.message).toContain(`${bin} does not answer \`--version\` as a Prometheus 2.x`);
    expect(error.message).toContain('usage: something else');
  });

  it('a 2.x is asked its version once per path in the process (a watch starts it once per series)', async () => {
    const count = path.join(dir, 'count-cache');
    const bin = fake(answering2x(count, 'echo "cannot start: fake" >&2; exit 1'));
    for (let i = 0; i < 3; i++) {
      const error = await startPrometheus({ prometheus: bin, startTimeoutMs: 10_000 }).catch(
        (e: unknown) => e,
      );
      // Past the version check: it ran and exited, which is the start's own error.
      expect(error).toBeInstanceOf(ObservationError);
      expect((error as Error).message).toMatch(/it exited .*cannot start: fake/s);
    }
    expect(readFileSync(count, 'utf8').trim().split('\n')).toEqual(['called']);
  });

  it('rollgate prometheus where refuses a 3.x with the same message, exit 2', async () => {
    const bin = fake('echo "prometheus, version 3.1.0 (branch: HEAD)"');
    vi.stubEnv('ROLLGATE_PROMETHEUS', bin);
    const r = await cliIn(dir, ['prometheus', 'where']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${bin} is 3.1.0`);
    expect(r.err).toContain('(ROLLGATE_PROMETHEUS_MISSING;');
  });
});

describe('the environment of the started server', () => {
  it('is the env given, whole (nothing of process.env added); process.env by default', async () => {
    const count = path.join(dir, 'count-env');
    const seen = path.join(dir, 'seen-env');
    const bin = fake(
      answering2x(count, `echo "given=$ROLLGATE_TEST_GIVEN outer=$ROLLGATE_TEST_OUTER" > "${seen}"; exit 1`),
    );
    vi.stubEnv('ROLLGATE_TEST_OUTER', 'from-process');
    const env = { PATH: process.env.PATH, ROLLGATE_TEST_GIVEN: 'from-run' };
    await startPrometheus({ prometheus: bin, env }).catch(() => {});
    expect(readFileSync(seen, 'utf8').trim()).toBe('given=from-run outer=');
    await startPrometheus({ prometheus: bin }).catch(() => {});
    expect(readFileSync(seen, 'utf8').trim()).toBe('given= outer=from-process');
  });
});
