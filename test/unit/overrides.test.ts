import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { resolveGate } from '../../src/config/options.ts';
import { parseBudgetFlag } from '../../src/config/overrides.ts';
import { harnessCheck } from '../../src/engine/harness-check.ts';
import { unmeasuredBudgets } from '../../src/engine/steps/unmeasured-budgets.ts';
import { Runbook } from '../../src/model/runbook.ts';
import { consoleReport } from '../../src/reporters/console.ts';
import { cliIn } from './cli-in.ts';

const runbook = Runbook.parse({
  name: 'shop',
  targets: { app: { baseURL: 'http://127.0.0.1:9' } },
  budgets: [{ name: 'p95-latency', operator: '<=', value: 500, unit: 'ms', minSamples: 30 }],
  stages: {
    canary: {
      target: 'app',
      checks: [],
      load: { profile: 'load/x.profile.ts' },
      playwright: { testTimeout: 30_000 },
    },
  },
});

describe('per-run overrides from the command line', () => {
  test('budgets read as the runbook writes them: seconds in ms, percentages as fractions', () => {
    expect(parseBudgetFlag('p95-latency<=300ms')).toEqual({
      name: 'p95-latency',
      operator: '<=',
      value: 300,
      unit: 'ms',
    });
    expect(parseBudgetFlag('lcp < 2.5s')).toEqual({ name: 'lcp', operator: '<', value: 2500, unit: 'ms' });
    expect(parseBudgetFlag('error-rate<0.5%')).toEqual({ name: 'error-rate', operator: '<', value: 0.005 });
    expect(parseBudgetFlag('cls<0.1')).toEqual({ name: 'cls', operator: '<', value: 0.1 });
  });

  test('a malformed budget is refused with the form to write', () => {
    expect(() => parseBudgetFlag('p95 under 300')).toThrow(
      /--budget "p95 under 300": write <name><operator><value>\[ms\|s\|%\], e\.g\. --budget 'p95-latency<=300ms'/,
    );
  });

  test("a budget replaces the stage's of that name, keeping its other fields; a new name is added", () => {
    const gate = resolveGate(runbook, 'canary', {
      release: '1.0.0',
      budgets: ['p95-latency<=300ms', 'error-rate<1%'],
      testTimeout: '60000',
    });
    expect(gate.stage.budgets).toEqual([
      { name: 'p95-latency', operator: '<=', value: 300, unit: 'ms', minSamples: 30 },
      { name: 'error-rate', operator: '<', value: 0.01 },
    ]);
    expect(gate.stage.playwright?.testTimeout).toBe(60_000);
    expect(gate.overrides).toEqual({
      budgets: [
        { name: 'p95-latency', operator: '<=', value: 300, unit: 'ms' },
        { name: 'error-rate', operator: '<', value: 0.01 },
      ],
      playwright: { testTimeout: 60_000 },
    });
    expect(resolveGate(runbook, 'canary', { release: '1.0.0' }).overrides).toBeUndefined();
  });

  test('the console verdict says what was overridden', () => {
    const text = consoleReport({
      schemaVersion: 1,
      runId: 'r',
      runbook: 'shop',
      stage: 'canary',
      verdict: 'promote',
      startedAt: '2026-11-30T00:00:00.000Z',
      finishedAt: '2026-11-30T00:00:01.000Z',
      durationMs: 1000,
      target: { baseURL: 'http://127.0.0.1:9', version: '1.0.0', embedded: false },
      checks: [],
      summary: { passed: 0, failed: 0, errored: 0, skipped: 0, flaky: 0, waived: 0, total: 0 },
      reasons: [],
      signoffs: [],
      overrides: {
        budgets: [parseBudgetFlag('p95-latency<=300ms')],
        playwright: { navigationTimeout: 20_000 },
      },
    });
    expect(text).toContain('overridden for this run: budget p95-latency <= 300 ms');
    expect(text).toContain('overridden for this run: Playwright navigationTimeout 20000 ms');
  });

  test('bad override flags exit 2 naming the flag, before anything runs', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'rollgate-overrides-'));
    writeFileSync(
      path.join(root, 'rollgate.runbook.ts'),
      `export default ${JSON.stringify({ name: 'shop', targets: { app: { baseURL: 'http://127.0.0.1:9', health: { live: '/healthz' } } }, stages: { ci: { target: 'app', checks: ['health'] } } })};\n`,
    );
    const timeout = await cliIn(root, ['plan', 'ci', '--test-timeout', 'soon']);
    expect(timeout.code).toBe(2);
    expect(timeout.err).toContain('--test-timeout "soon" must be a positive number of milliseconds');
    const budget = await cliIn(root, ['plan', 'ci', '--budget', 'p95<=fast']);
    expect(budget.code).toBe(2);
    expect(budget.err).toContain('--budget "p95<=fast": write');
  });
});

describe('overrides are held to the runbook rules, and judged', () => {
  test('a --budget no measurement can meet is refused as the runbook refuses it', () => {
    const at = (b: string) => () => resolveGate(runbook, 'canary', { release: '1.0.0', budgets: [b] });
    expect(at('error-rate<5')).toThrow(
      /--budget error-rate: budget "error-rate" is a rate, a fraction between 0 and 1/,
    );
    expect(at('error-rate<150%')).toThrow(/got 1\.5/);
    expect(at('p95-latency<=-5ms')).toThrow(/--budget p95-latency: .*cannot be negative/);
  });

  test('a --budget that no check measured is an errored check, never a silent pass', () => {
    const overrides = { budgets: [parseBudgetFlag('p95-latency<=300ms'), parseBudgetFlag('lcp<2s')] };
    const measured = harnessCheck('load/x', 'load', {
      suite: 'load',
      measurements: [
        { name: 'p95-latency', actual: 12, operator: '<=', expected: 300, samples: 50, passed: true },
      ],
    });
    const out = unmeasuredBudgets(overrides, [measured]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      id: 'run/budget-lcp',
      status: 'errored',
      code: 'ROLLGATE_BUDGET_UNMEASURED',
    });
    expect(out[0]!.message).toContain('no check of this stage measured lcp');
    expect(unmeasuredBudgets(undefined, [])).toEqual([]);
    // Measured under its own terms (a health endpoint's latencyMs), the flag judged nothing.
    const own = harnessCheck('probes/health-live', 'health', {
      suite: 'builtin',
      measurements: [
        { name: 'latency', actual: 500, operator: '<=', expected: 1000, samples: 1, passed: true },
      ],
    });
    const [judged] = unmeasuredBudgets({ budgets: [parseBudgetFlag('latency<=100ms')] }, [own]);
    expect(judged).toMatchObject({ id: 'run/budget-latency', status: 'errored' });
    expect(judged!.message).toContain('measured by probes/health-live against its own declaration (<= 1000)');
  });
});
