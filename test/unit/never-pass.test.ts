import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { validateRunbook } from '../../src/config/load-runbook.ts';
import { matchesAnything, missingFileIssues } from '../../src/config/runbook-files.ts';
import { isDurationBudget, isFractionBudget } from '../../src/model/runbook-rules.ts';
import { tempDirs, thrown } from './helpers.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIXTURE = 'test/fixtures/runbooks/never-pass.runbook.ts';
const STAGES = '(stages: preflight, staging, canary, production, dr)';
const dirs = tempDirs('rollgate-never-pass-');
afterAll(() => dirs.cleanup());
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** Runs the CLI in this process; returns its exit code and what it printed. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  const code = await main(args);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('validate catches runbooks that can never pass', () => {
  it('validate exits 2 naming the file and field of every problem at once: unknown stages, files matching nothing, impossible budgets', async () => {
    const { code, err } = await cli(['validate', '--runbook', FIXTURE]);
    expect(code).toBe(2);
    const f = `${FIXTURE}: `;
    const noFile = `matches no file under ${ROOT} (resolved from the project root, the current directory): fix the path, or run rollgate from the project root`;
    expect(err.split('\n')).toEqual([
      `rollgate: ${f}stages.production.requires.stages.0.stage: "stagin" is not a stage of this runbook ${STAGES}`,
      `${f}stages.production.requires.drill.stage: "drl" is not a stage of this runbook ${STAGES}`,
      `${f}stages.production.requires.watch.stage: "soak" is not a stage of this runbook ${STAGES}`,
      `${f}budgets.0.value: budget "p95-latency" is a duration in ms and cannot be negative, got -500; no measured time is below 0`,
      `${f}budgets.1.value: budget "error-rate" is a rate, a fraction between 0 and 1 (0.005 = 0.5%), got 5 (5% is 0.05); no measured rate can be outside 0–1`,
      `${f}stages.canary.budgets.0.value: budget "ttfb" is a duration and cannot be negative, got -1; no measured time is below 0`,
      `${f}stages.canary.budgets.1.value: budget "success-rate" is a rate, a fraction between 0 and 1 (0.005 = 0.5%), got 99.5 (99.5% is 0.995); no measured rate can be outside 0–1`,
      `${f}stages.staging.suites.0: suite "test/fixtures/suites/no-such.suite.ts" ${noFile}`,
      `${f}stages.staging.smoke.specs.0: spec "smoke/no-such-*.spec.ts" ${noFile}`,
      'Fix the field(s) above; nothing was run.',
      '(ROLLGATE_RUNBOOK_INVALID; nothing was run)',
    ]);
  });

  it('gate refuses the same runbook with exit 2 before anything runs (no run directory, no ledger)', async () => {
    const reports = dirs.make();
    vi.stubEnv('ROLLGATE_REPORTS_DIR', reports);
    const { code, err } = await cli(['gate', 'preflight', '--runbook', FIXTURE, '--release', '1.0.0']);
    expect(code).toBe(2);
    expect(err).toContain(`${FIXTURE}: stages.production.requires.drill.stage: "drl" is not a stage`);
    expect(readdirSync(reports)).toEqual([]);
  });

  it("the demo's own runbook still validates from the project root", async () => {
    const { code, out } = await cli(['validate']);
    expect(code).toBe(0);
    const [head, ...builtins] = out.split('\n');
    expect(head).toBe(
      'runbooks/demo.runbook.ts: valid runbook "demo" with stages dr, preflight, staging, canary, production, canary-soak',
    );
    // Each stage that names built-in checks lists their ids.
    expect(builtins).toContain('  preflight: built-in hygiene/secret-scan, hygiene/runtime-config');
    expect(builtins.every((l) => /^ {2}[a-z-]+: built-in [a-z/-]+(, [a-z/-]+)*$/.test(l))).toBe(true);
  });

  it('a missing load profile is named with its field, with schema problems of the same runbook', () => {
    const e = thrown(() =>
      validateRunbook(
        'x.runbook.ts',
        {
          name: 'x',
          targets: { t: { baseURL: 'http://127.0.0.1:9' } },
          stages: {
            s: { target: 't', suites: ['runbooks/'], retries: 9, load: { profile: 'load/nope.profile.ts' } },
          },
        },
        ROOT,
      ),
    );
    expect(e.message.split('\n').slice(0, 2)).toEqual([
      'x.runbook.ts: stages.s.retries: Too big: expected number to be <=5',
      `x.runbook.ts: stages.s.load.profile: load profile "load/nope.profile.ts" matches no file under ${ROOT} (resolved from the project root, the current directory): fix the path, or run rollgate from the project root`,
    ]);
  });
});

describe('requires.drill names a stage that drills', () => {
  it('a stage without a drill section is refused: its PROMOTE proves no restore', () => {
    const e = thrown(() =>
      validateRunbook('d.runbook.ts', {
        name: 'd',
        targets: { t: { baseURL: 'http://127.0.0.1:9' } },
        stages: {
          staging: { target: 't', suites: ['a.suite.ts'] },
          dr: { target: 't', suites: ['a.suite.ts'], drill: { backups: { dir: 'backups' } } },
          production: {
            target: 't',
            suites: ['a.suite.ts'],
            requires: { drill: { stage: 'staging', within: '7d' } },
          },
        },
      }),
    );
    expect(e.message).toBe(
      'd.runbook.ts: stages.production.requires.drill.stage: "staging" runs no drill (it has no `drill` section), so its PROMOTE proves no restore: name the stage that drills (stages with a drill: dr)\nFix the field(s) above; nothing was run.',
    );
  });
});

describe('budget kinds', () => {
  it('durations by unit, metric or a word of the name; a unit that is not a time wins', () => {
    expect(isDurationBudget({ name: 'p95-latency', value: 1, unit: 'ms' })).toBe(true);
    expect(isDurationBudget({ name: 'restore', value: 1, unit: 's' })).toBe(true);
    expect(isDurationBudget({ name: 'slow-one', value: 1, metric: 'p99' })).toBe(true);
    expect(isDurationBudget({ name: 'lcp', value: 1 })).toBe(true);
    expect(isDurationBudget({ name: 'backup-age', value: 1 })).toBe(true);
    expect(isDurationBudget({ name: 'cls', value: 1 })).toBe(false);
    expect(isDurationBudget({ name: 'timeouts', value: 1, unit: 'count' })).toBe(false);
  });

  it('fractions: error-rate metric, ratio unit, or a unitless name saying rate; throughput is not one', () => {
    expect(isFractionBudget({ name: 'error-rate', value: 0.005 })).toBe(true);
    expect(isFractionBudget({ name: 'failures', value: 0.1, metric: 'error-rate' })).toBe(true);
    expect(isFractionBudget({ name: 'cache-hit', value: 0.9, unit: 'ratio' })).toBe(true);
    expect(isFractionBudget({ name: 'request-rate', value: 200, unit: 'req/s' })).toBe(false);
    expect(isFractionBudget({ name: 'requests-per-second-rate', value: 200 })).toBe(false);
    expect(isFractionBudget({ name: 'errors', value: 5 })).toBe(false);
    expect(isFractionBudget({ name: 'p95', value: 5, metric: 'p95' })).toBe(false);
  });

  it('accepts the budgets that can pass: 0 and 1 inclusive, percentages within 0–100', () => {
    const rb = validateRunbook('ok.runbook.ts', {
      name: 'ok',
      targets: { t: { baseURL: 'http://127.0.0.1:9' } },
      budgets: [
        { name: 'error-rate', operator: '<=', value: 0 },
        { name: 'success-rate', operator: '>=', value: 1 },
        { name: 'p95-latency', operator: '<=', value: 0, unit: 'ms' },
        { name: 'availability', operator: '>=', value: 99.9, unit: '%' },
      ],
      stages: { s: { target: 't', suites: ['a.suite.ts'] } },
    });
    expect(rb.budgets).toHaveLength(4);
    const e = thrown(() =>
      validateRunbook('pct.runbook.ts', {
        name: 'ok',
        targets: { t: { baseURL: 'http://127.0.0.1:9' } },
        budgets: [{ name: 'availability', operator: '>=', value: 101, unit: '%' }],
        stages: { s: { target: 't', suites: ['a.suite.ts'] } },
      }),
    );
    expect(e.message.split('\n')[0]).toBe(
      'pct.runbook.ts: budgets.0.value: budget "availability" is a percentage and must be 0–100, got 101',
    );
  });
});

describe('file references', () => {
  it('a path, a folder or a glob matches when a file does; a typo does not', () => {
    const dir = dirs.make();
    mkdirSync(path.join(dir, 'smoke/deep'), { recursive: true });
    writeFileSync(path.join(dir, 'smoke/deep/login.spec.ts'), '');
    writeFileSync(path.join(dir, 'a.suite.ts'), '');
    expect(matchesAnything('a.suite.ts', dir)).toBe(true);
    expect(matchesAnything('smoke', dir)).toBe(true);
    expect(matchesAnything('smoke/**/*.spec.ts', dir)).toBe(true);
    expect(matchesAnything('smoke/*/{login,logout}.spec.ts', dir)).toBe(true);
    expect(matchesAnything('*.suite.ts', dir)).toBe(true);
    expect(matchesAnything('smoke/*.spec.ts', dir)).toBe(false);
    expect(matchesAnything('b.suite.ts', dir)).toBe(false);
    expect(missingFileIssues({ stages: { s: { suites: ['a.suite.ts', 'b.suite.ts'] } } }, dir)).toEqual([
      {
        path: ['stages', 's', 'suites', 1],
        message: expect.stringContaining('suite "b.suite.ts" matches no file'),
      },
    ]);
  });
});
