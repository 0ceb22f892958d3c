import { describe, expect, it } from 'vitest';
import { collect, type RunnerOutcome } from '../../src/engine/collect.ts';
import { checkIdentity } from '../../src/engine/identity.ts';
import { key, type Plan } from '../../src/engine/plan.ts';
import { validCheck } from '../../src/engine/valid-checks.ts';
import { CheckResult, type PlannedCheck } from '../../src/model/check-result.ts';
import type { Measurement } from '../../src/model/measurement.ts';
import type { RawResults, RawTest } from '../../src/model/raw-result.ts';
import { Stage } from '../../src/model/runbook.ts';
import { makeCheck, makeMeasurement, makeRawTest } from './helpers.ts';

const SUITE = 'runbooks/probes.suite.ts';
const stage = Stage.parse({ target: 'demo', suites: [SUITE] });
const HEALTH = ['probes', 'health answers'];
const VERSION = ['probes', 'version matches'];

/** A plan the way planStage makes one: ids and titles from checkIdentity, repeated ids numbered. */
function planOf(titlePaths: string[][], problems: Plan['problems'] = []): Plan {
  const plan: Plan = { checks: [], problems, keys: new Map() };
  for (const titlePath of titlePaths) {
    const ident = checkIdentity(SUITE, titlePath);
    let id = ident.id;
    for (let i = 2; plan.checks.some((c) => c.id === id); i++) id = `${ident.id}#${i}`;
    plan.keys.set(key(SUITE, titlePath), id);
    const check: PlannedCheck = { id, title: ident.title, suite: SUITE, kind: 'vitest', blocking: true };
    plan.checks.push(check);
  }
  return plan;
}

function vitest(tests: RawTest[], more: Partial<RawResults> = {}): RunnerOutcome {
  return { kind: 'vitest', raw: { runner: 'vitest', tests, moduleErrors: [], runErrors: [], ...more } };
}

const codes = (results: CheckResult[]) => results.map((r) => [r.id, r.status, r.code]);

describe('a check carries its error code as a field', () => {
  it("takes the first runner error's own code, and leaves classification to the error", () => {
    const results = collect(
      planOf([HEALTH, VERSION]),
      [
        vitest([
          makeRawTest({
            titlePath: HEALTH,
            state: 'failed',
            errors: [
              { name: 'ObservationError', message: 'no data', code: 'ROLLGATE_NO_DATA' },
              { name: 'Error', message: 'second', code: 'ROLLGATE_HTTP' },
            ],
          }),
          makeRawTest({
            titlePath: VERSION,
            state: 'failed',
            errors: [{ name: 'AssertionError', message: 'expected 500 to be 200' }],
          }),
        ]),
      ],
      stage,
    );
    expect(codes(results)).toEqual([
      ['probes/probes-health-answers', 'errored', 'ROLLGATE_NO_DATA'],
      ['probes/probes-version-matches', 'failed', undefined],
    ]);
    expect(results[0]!.message).toBe('no data');
  });

  it('sets its own code where the runner gave none: timeout, interruption, a skip without a reason', () => {
    const titles = [HEALTH, VERSION, ['probes', 'skipped'], ['probes', 'passes'], ['probes', 'flaky']];
    const results = collect(
      planOf(titles),
      [
        vitest([
          makeRawTest({
            titlePath: titles[0],
            state: 'timedOut',
            errors: [{ message: 'Test timed out in 5000ms.' }],
          }),
          makeRawTest({ titlePath: titles[1], state: 'interrupted' }),
          makeRawTest({ titlePath: titles[2], state: 'skipped' }),
          makeRawTest({ titlePath: titles[3] }),
          makeRawTest({
            titlePath: titles[4],
            flaky: true,
            retries: 1,
            errors: [{ message: 'x', code: 'ROLLGATE_HTTP' }],
          }),
        ]),
      ],
      stage,
    );
    expect(results.map((r) => r.code)).toEqual([
      'ROLLGATE_CHECK_TIMEOUT',
      'ROLLGATE_INTERRUPTED',
      'ROLLGATE_SKIP_WITHOUT_REASON',
      undefined,
      undefined,
    ]);
  });

  it('codes a planned check with no result by its cause, the interruption first', () => {
    const plan = planOf([HEALTH]);
    const one = (outcome: RunnerOutcome, interrupted?: string) =>
      collect(plan, [outcome], stage, interrupted)[0]!;
    expect(one(vitest([]), 'deadline of 60000 ms reached').code).toBe('ROLLGATE_INTERRUPTED');
    expect(one(vitest([], { moduleErrors: [{ file: SUITE, message: 'SyntaxError' }] })).code).toBe(
      'ROLLGATE_SUITE_LOAD_FAILED',
    );
    expect(one({ kind: 'vitest', failure: 'vitest exited with 1 and reported nothing' }).code).toBe(
      'ROLLGATE_RUNNER_FAILED',
    );
    expect(one(vitest([], { runErrors: ['Unhandled rejection: boom'] })).code).toBe('ROLLGATE_RUNNER_FAILED');
    expect(one(vitest([]))).toMatchObject({
      status: 'errored',
      code: 'ROLLGATE_NO_RESULT',
      message: 'no result: the runner finished without a result for it',
    });
  });

  it('codes a suite that could not run, and a record the verdict cannot hold', () => {
    const plan = planOf([], [{ suite: 'runbooks/empty.suite.ts', kind: 'vitest', message: 'ran no test' }]);
    expect(codes(collect(plan, [vitest([])], stage))).toEqual([
      ['suite:runbooks/empty.suite.ts', 'errored', 'ROLLGATE_SUITE_UNRUNNABLE'],
    ]);
    const boolean = { ...makeMeasurement(), actual: true } as unknown as Measurement;
    const bad = validCheck(makeCheck({ status: 'errored', code: 'ROLLGATE_HTTP', measurements: [boolean] }));
    expect(bad).toMatchObject({ status: 'errored', code: 'ROLLGATE_INVALID_RECORD' });
    expect(CheckResult.safeParse(bad).success).toBe(true);
  });
});

describe("a runner's result carries its check id; the engine maps it through the plan", () => {
  it('uses the plan id, numbering titles that slug alike (`#2`), with no mismatch', () => {
    const alike = ['probes', 'health-answers'];
    const results = collect(
      planOf([HEALTH, alike]),
      [vitest([makeRawTest({ titlePath: HEALTH }), makeRawTest({ titlePath: alike })])],
      stage,
    );
    // The reporter computed the same id for both; the plan told them apart.
    expect(makeRawTest({ titlePath: alike }).id).toBe('probes/probes-health-answers');
    expect(codes(results)).toEqual([
      ['probes/probes-health-answers', 'passed', undefined],
      ['probes/probes-health-answers#2', 'passed', undefined],
    ]);
  });

  it('errors a result whose id disagrees with the plan, naming both ids and the fix', () => {
    const [r] = collect(
      planOf([HEALTH]),
      [
        vitest([
          makeRawTest({
            id: 'probes/health',
            titlePath: HEALTH,
            record: { measurements: [makeMeasurement()], evidence: [] },
          }),
        ]),
      ],
      stage,
    );
    expect(r).toMatchObject({
      id: 'probes/probes-health-answers',
      status: 'errored',
      code: 'ROLLGATE_CHECK_ID_MISMATCH',
      measurements: [expect.objectContaining({ name: 'p95-latency', outcome: 'pass' })],
    });
    expect(r!.message).toBe(
      `the runner reported this check as "probes/health" but the plan lists ${SUITE} › probes › health answers as "probes/probes-health-answers": the runner's reporter and the engine are different rollgate versions; rebuild rollgate (node scripts/build.mjs) and run the gate again`,
    );
  });

  it("keeps a result nobody planned under the reporter's id, without rebuilding it from the title", () => {
    const results = collect(
      planOf([HEALTH]),
      [
        vitest([
          makeRawTest({ titlePath: HEALTH }),
          makeRawTest({ id: 'probes/extra', titlePath: ['probes', 'x'] }),
        ]),
      ],
      stage,
    );
    expect(codes(results)).toEqual([
      ['probes/probes-health-answers', 'passed', undefined],
      ['probes/extra', 'passed', undefined],
    ]);
  });
});
