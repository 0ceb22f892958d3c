import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RollgateError } from '../../src/config/errors.ts';
import { validateRunbook } from '../../src/config/load-runbook.ts';
import { resolveGate } from '../../src/config/options.ts';
import { thrown } from './helpers.ts';

const runbook = validateRunbook('test.runbook.ts', {
  name: 'shop',
  targets: {
    canary: { baseURL: 'https://canary.shop.example/' },
    local: { embedded: { command: ['tsx', 'demo/main.ts'], version: '0.9.0' } },
  },
  stages: {
    canary: { target: 'canary', suites: ['runbooks/probes.suite.ts'], timeoutMs: 120_000 },
    preflight: { target: 'local', suites: ['runbooks/preflight.suite.ts'] },
  },
});

const noEnv = {};

describe('resolveGate precedence: CLI > env > runbook > default', () => {
  it('takes the runbook file values when nothing else is given', () => {
    const g = resolveGate(runbook, 'canary', { release: '1.0.0' }, noEnv);
    expect(g.baseURL).toBe('https://canary.shop.example');
    expect(g.timeoutMs).toBe(120_000);
    expect(g.sources).toMatchObject({ baseURL: 'runbook', timeoutMs: 'runbook' });
  });

  it('lets the environment override the runbook', () => {
    const g = resolveGate(
      runbook,
      'canary',
      {},
      {
        ROLLGATE_BASE_URL: 'https://env.example',
        ROLLGATE_RELEASE: '2.0.0',
        ROLLGATE_TIMEOUT_MS: '5000',
      },
    );
    expect(g).toMatchObject({ baseURL: 'https://env.example', release: '2.0.0', timeoutMs: 5000 });
    expect(g.sources).toEqual({ baseURL: 'env', release: 'env', timeoutMs: 'env' });
  });

  it('lets the CLI override the environment', () => {
    const g = resolveGate(
      runbook,
      'canary',
      { baseUrl: 'http://127.0.0.1:9000/', release: '3.0.0', timeoutMs: '7000' },
      { ROLLGATE_BASE_URL: 'https://env.example', ROLLGATE_RELEASE: '2.0.0', ROLLGATE_TIMEOUT_MS: '5000' },
    );
    expect(g).toMatchObject({ baseURL: 'http://127.0.0.1:9000', release: '3.0.0', timeoutMs: 7000 });
    expect(g.sources).toEqual({ baseURL: 'cli', release: 'cli', timeoutMs: 'cli' });
  });

  it('treats empty CLI and env values as not given', () => {
    const g = resolveGate(runbook, 'canary', { baseUrl: '', release: '1.0.0' }, { ROLLGATE_BASE_URL: '' });
    expect(g.baseURL).toBe('https://canary.shop.example');
    expect(g.sources.baseURL).toBe('runbook');
  });

  it('uses the default stage timeout (15 min) when the runbook sets none', () => {
    const g = resolveGate(runbook, 'preflight', {}, noEnv);
    expect(g.timeoutMs).toBe(15 * 60_000);
  });

  // Regression (src/config/options.ts, minor, fixed): the stage's zod default (15 min) is passed to pick() as the
  // *runbook file* value, so `sources.timeoutMs` (printed by `rollgate plan`) says 'runbook' for a
  // timeout the runbook never declared; the 'default' source can never be reported.
  it("reports the timeout's source as 'default' when the runbook does not declare it", () => {
    const g = resolveGate(runbook, 'preflight', {}, noEnv);
    expect(g.sources.timeoutMs).toBe('default');
  });

  it('starts the embedded target with release defaulting to embedded.version', () => {
    const g = resolveGate(runbook, 'preflight', {}, noEnv);
    expect(g.baseURL).toBeUndefined();
    expect(g.release).toBe('0.9.0');
    expect(g.sources).toMatchObject({ baseURL: 'default', release: 'default' });
    expect(g.targetName).toBe('local');
  });

  it('lets --release override the embedded version', () => {
    expect(resolveGate(runbook, 'preflight', { release: '0.9.1' }, noEnv).release).toBe('0.9.1');
  });
});

describe('resolveGate errors', () => {
  it('requires a release for a base URL from the runbook', () => {
    const e = thrown(() => resolveGate(runbook, 'canary', {}, noEnv));
    expect(e).toBeInstanceOf(RollgateError);
    expect(e.code).toBe('ROLLGATE_RELEASE_REQUIRED');
    expect(e.message).toContain('--release');
    expect(e.message).toContain('ROLLGATE_RELEASE');
  });

  it('requires a release when an embedded target is pointed elsewhere with --base-url', () => {
    const e = thrown(() => resolveGate(runbook, 'preflight', { baseUrl: 'https://real.example' }, noEnv));
    expect(e.code).toBe('ROLLGATE_RELEASE_REQUIRED');
  });

  it('names the stages of the runbook for an unknown stage', () => {
    const e = thrown(() => resolveGate(runbook, 'prod', { release: '1' }, noEnv));
    expect(e).toBeInstanceOf(RollgateError);
    expect(e.code).toBe('ROLLGATE_UNKNOWN_STAGE');
    expect(e.message).toContain('"prod"');
    expect(e.message).toContain('canary, preflight');
  });

  it.each([
    [{ baseUrl: 'not a url', release: '1' }, {}, '--base-url'],
    [{ baseUrl: 'ftp://files.example', release: '1' }, {}, '--base-url'],
    [{ release: '1' }, { ROLLGATE_BASE_URL: 'canary.example.com' }, 'ROLLGATE_BASE_URL'],
  ])('rejects a bad URL %j %j naming where it came from', (flags, env, from) => {
    const e = thrown(() => resolveGate(runbook, 'canary', flags, env));
    expect(e).toBeInstanceOf(RollgateError);
    expect(e.code).toBe('ROLLGATE_BAD_ARGUMENT');
    expect(e.message.startsWith(`${from}:`)).toBe(true);
  });

  it.each(['0', '-5', '1.5', '10s'])('rejects the timeout %j', (timeoutMs) => {
    const e = thrown(() => resolveGate(runbook, 'canary', { release: '1', timeoutMs }, noEnv));
    expect(e.code).toBe('ROLLGATE_BAD_ARGUMENT');
    expect(e.message).toContain(`"${timeoutMs}"`);
  });

  it('rejects a --now that is not a date', () => {
    const e = thrown(() => resolveGate(runbook, 'preflight', { now: 'tomorrow' }, noEnv));
    expect(e.code).toBe('ROLLGATE_BAD_ARGUMENT');
  });
});

describe('resolveGate clock and reports dir', () => {
  it('uses the system clock by default', () => {
    const g = resolveGate(runbook, 'preflight', {}, noEnv);
    expect(g.clock.fixed).toBe(false);
    expect(Math.abs(g.clock.now().getTime() - Date.now())).toBeLessThan(5000);
  });

  it('fixes the clock with --now, and with ROLLGATE_NOW', () => {
    const cli = resolveGate(runbook, 'preflight', { now: '2026-03-08T06:30:00Z' }, noEnv);
    expect(cli.clock.fixed).toBe(true);
    expect(cli.clock.now().toISOString()).toBe('2026-03-08T06:30:00.000Z');
    expect(cli.clock.now().toISOString()).toBe('2026-03-08T06:30:00.000Z');
    const env = resolveGate(runbook, 'preflight', {}, { ROLLGATE_NOW: '2025-01-01T00:00:00Z' });
    expect(env.clock.now().toISOString()).toBe('2025-01-01T00:00:00.000Z');
  });

  it('prefers --now over ROLLGATE_NOW', () => {
    const g = resolveGate(
      runbook,
      'preflight',
      { now: '2026-03-08T06:30:00Z' },
      { ROLLGATE_NOW: '2025-01-01T00:00:00Z' },
    );
    expect(g.clock.now().toISOString()).toBe('2026-03-08T06:30:00.000Z');
  });

  it('writes to reports/ by default and where ROLLGATE_REPORTS_DIR says otherwise', () => {
    expect(resolveGate(runbook, 'preflight', {}, noEnv).reportsDir).toBe(path.resolve('reports'));
    const dir = path.join(path.sep, 'tmp', 'rollgate-elsewhere');
    expect(resolveGate(runbook, 'preflight', {}, { ROLLGATE_REPORTS_DIR: dir }).reportsDir).toBe(dir);
  });
});

describe('a stage compared against a baseline', () => {
  const compared = validateRunbook('test.runbook.ts', {
    name: 'shop',
    targets: {
      canary: { embedded: { command: ['tsx', 'demo/main.ts'], version: '0.9.0' } },
      stable: { embedded: { command: ['tsx', 'demo/main.ts'], version: '0.8.0' } },
      deployedStable: { baseURL: 'https://stable.shop.example' },
    },
    stages: {
      canary: {
        target: 'canary',
        baseline: 'stable',
        suites: ['runbooks/probes.suite.ts'],
        load: { profile: 'load/canary.profile.ts' },
      },
      deployed: {
        target: 'canary',
        baseline: 'deployedStable',
        suites: ['runbooks/probes.suite.ts'],
        load: { profile: 'load/canary.profile.ts' },
      },
    },
  });

  it('starts an embedded baseline, or takes its URL from --baseline-url > env > runbook', () => {
    expect(resolveGate(compared, 'canary', {}, noEnv).baseline).toMatchObject({
      targetName: 'stable',
      baseURL: undefined,
    });
    expect(resolveGate(compared, 'deployed', {}, noEnv).baseline?.baseURL).toBe(
      'https://stable.shop.example',
    );
    const env = { ROLLGATE_BASELINE_URL: 'https://env-stable.example/' };
    expect(resolveGate(compared, 'deployed', {}, env).baseline?.baseURL).toBe('https://env-stable.example');
    expect(
      resolveGate(compared, 'deployed', { baselineUrl: 'http://127.0.0.1:8080' }, env).baseline?.baseURL,
    ).toBe('http://127.0.0.1:8080');
    // The comparison defaults every runbook leaves out.
    expect(compared.stages.canary!.load!.compare).toEqual({
      confidence: 0.98,
      medianRatio: 1.2,
      medianDeltaMs: 5,
      errorRateDelta: 0.005,
      slices: 4,
      sliceMs: 1000,
      minSamples: 20,
    });
  });

  it('a deployed canary without a baseline URL: the baseline is missing (the comparison errors), not started here', () => {
    const g = resolveGate(
      compared,
      'canary',
      { baseUrl: 'https://canary.shop.example', release: '1.0.0' },
      noEnv,
    );
    expect(g.baseline?.baseURL).toBeUndefined();
    expect(g.baseline?.missing).toMatch(
      /compares https:\/\/canary\.shop\.example against baseline target "stable", which has no URL: .*--baseline-url/,
    );
    expect(() => resolveGate(compared, 'deployed', { baselineUrl: 'ftp://x' }, noEnv)).toThrow(
      /--baseline-url: "ftp:\/\/x" is not an http\(s\) URL/,
    );
  });

  it("refuses a baseline at the canary's own URL: a canary compared with itself always passes", () => {
    const e = thrown(() =>
      resolveGate(compared, 'deployed', { baseUrl: 'https://stable.shop.example', release: '1.0.0' }, noEnv),
    );
    expect(e.message).toMatch(
      /the baseline \(targets\.deployedStable\.baseURL\) and the canary are both https:\/\/stable\.shop\.example/,
    );
  });

  it('a baseline must be a declared target, and needs a load profile to be compared under', () => {
    const e = thrown(() =>
      validateRunbook('bad.runbook.ts', {
        name: 'shop',
        targets: { canary: { baseURL: 'https://c.example' } },
        stages: {
          a: { target: 'canary', baseline: 'stable', suites: ['x'], load: { profile: 'p.ts' } },
          b: { target: 'canary', baseline: 'canary', suites: ['x'] },
          c: { target: 'canary', baseline: 'canary', suites: ['x'], load: { profile: 'p.ts', engine: 'k6' } },
        },
      }),
    );
    expect(e.message).toMatch(/stages\.a\.baseline.*names target "stable", which is not declared/);
    expect(e.message).toMatch(/stages\.b\.baseline.*add a load profile/);
    expect(e.message).toMatch(/stages\.c\.load\.engine.*runs on the embedded engine/);
  });
});
