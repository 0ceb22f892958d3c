import { describe, expect, it } from 'vitest';
import { collect, type RunnerOutcome } from '../../src/engine/collect.ts';
import { checkIdentity } from '../../src/engine/identity.ts';
import { key, type Plan } from '../../src/engine/plan.ts';
import { decide } from '../../src/engine/policy.ts';
import { validCheck } from '../../src/engine/valid-checks.ts';
import { CheckResult, type PlannedCheck } from '../../src/model/check-result.ts';
import type { Measurement } from '../../src/model/measurement.ts';
import type { RawResults, RawTest } from '../../src/model/raw-result.ts';
import { Stage } from '../../src/model/runbook.ts';
import { Verdict } from '../../src/model/verdict.ts';
import { makeCheck, makeMeasurement, makeRawTest, makeVerdict } from './helpers.ts';

const SUITE = 'runbooks/probes.suite.ts';
const stage = Stage.parse({ target: 'demo', suites: [SUITE], advisory: ['golden/*'] });

/**
 * A plan over (titlePath, id) pairs in SUITE, keyed and titled the way planStage does it; each
 * title path declares its id (`[id]`), so the reporters' ids (makeRawTest) agree with the plan.
 */
function planOf(
  tests: {
    titlePath: string[];
    id: string;
    blocking?: boolean;
    suite?: string;
    kind?: 'vitest' | 'playwright';
  }[],
  problems: Plan['problems'] = [],
): Plan {
  const checks: PlannedCheck[] = tests.map((t) => ({
    id: t.id,
    title: checkIdentity(t.suite ?? SUITE, t.titlePath).title,
    suite: t.suite ?? SUITE,
    kind: t.kind ?? 'vitest',
    blocking: t.blocking ?? true,
  }));
  const keys = new Map(tests.map((t) => [key(t.suite ?? SUITE, t.titlePath), t.id]));
  return { checks, problems, keys };
}

function vitest(tests: RawTest[], more: Partial<RawResults> = {}): RunnerOutcome {
  return { kind: 'vitest', raw: { runner: 'vitest', tests, moduleErrors: [], runErrors: [], ...more } };
}

const health = { titlePath: ['probes', 'health answers [probes/health]'], id: 'probes/health' };
const version = { titlePath: ['probes', 'version matches [version-matches]'], id: 'version-matches' };

describe('collect', () => {
  it('one check with several results (two Playwright projects, repeatEach) is as bad as its worst, whichever comes last', () => {
    const failed = makeRawTest({
      titlePath: health.titlePath,
      state: 'failed',
      errors: [{ name: 'AssertionError', message: 'expected 200, got 500' }],
    });
    const passed = makeRawTest({ titlePath: health.titlePath });
    for (const order of [
      [failed, passed],
      [passed, failed],
    ]) {
      const checks = collect(planOf([health]), [vitest(order)], stage);
      expect(checks).toHaveLength(1);
      expect(checks[0]!.status).toBe('failed');
      expect(checks[0]!.message).toContain('the worst result stands (failed, others: passed)');
      expect(decide(checks, stage).verdict).toBe('hold');
    }
    const twice = collect(planOf([health]), [vitest([passed, passed])], stage);
    expect(twice.map((c) => [c.status, c.message])).toEqual([['passed', undefined]]);
  });

  it('maps a planned test to its planned id and keeps its record', () => {
    const m = makeMeasurement();
    const [r, ...rest] = collect(
      planOf([health]),
      [
        vitest([
          makeRawTest({
            titlePath: health.titlePath,
            durationMs: 12.6,
            record: { measurements: [m], evidence: [] },
          }),
        ]),
      ],
      stage,
    );
    expect(rest).toEqual([]);
    expect(r).toMatchObject({
      id: 'probes/health',
      title: 'probes › health answers',
      suite: SUITE,
      kind: 'vitest',
      status: 'passed',
      blocking: true,
      durationMs: 13,
      measurements: [m],
    });
  });

  it('makes a planned check without a result errored with "no result"', () => {
    const results = collect(
      planOf([health, version]),
      [vitest([makeRawTest({ titlePath: health.titlePath })])],
      stage,
    );
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['probes/health', 'passed'],
      ['version-matches', 'errored'],
    ]);
    expect(results[1]!.message).toBe('no result: the runner finished without a result for it');
    expect(results[1]!.blocking).toBe(true);
  });

  it('explains missing results with the module error of their suite', () => {
    const [r] = collect(
      planOf([health]),
      [
        vitest([], {
          moduleErrors: [{ file: SUITE, message: "Error: Cannot find module './nope.ts'\n    at x" }],
        }),
      ],
      stage,
    );
    expect(r!.status).toBe('errored');
    expect(r!.message).toBe("no result: Cannot find module './nope.ts'\n    at x");
  });

  it('explains missing results with the runner failure, or the interruption first', () => {
    const failed: RunnerOutcome = { kind: 'vitest', failure: 'vitest exited with code 1 before reporting' };
    expect(collect(planOf([health]), [failed], stage)[0]!.message).toBe(
      'no result: vitest exited with code 1 before reporting',
    );
    expect(collect(planOf([health]), [failed], stage, 'SIGTERM received')[0]!.message).toBe(
      'no result: SIGTERM received',
    );
  });

  it('explains missing results with run errors outside any test', () => {
    const [r] = collect(planOf([health]), [vitest([], { runErrors: ['Unhandled rejection: boom'] })], stage);
    expect(r!.message).toBe('no result: Unhandled rejection: boom');
  });

  it('turns plan problems into blocking errored suite:<file> checks', () => {
    const results = collect(
      planOf(
        [],
        [
          {
            suite: 'runbooks/empty.suite.ts',
            kind: 'vitest',
            message: 'ran no test: runbooks/empty.suite.ts has no tests or does not exist',
          },
        ],
      ),
      [vitest([])],
      stage,
    );
    expect(results).toEqual([
      expect.objectContaining({
        id: 'suite:runbooks/empty.suite.ts',
        suite: 'runbooks/empty.suite.ts',
        status: 'errored',
        blocking: true,
        message: 'ran no test: runbooks/empty.suite.ts has no tests or does not exist',
      }),
    ]);
  });

  it('makes a skip with a note skipped + notApplicable, and one without a reason a plain skip with a message', () => {
    const results = collect(
      planOf([health, version]),
      [
        vitest([
          makeRawTest({
            titlePath: health.titlePath,
            state: 'skipped',
            record: { measurements: [], evidence: [], notApplicable: 'no database here' },
          }),
          makeRawTest({ titlePath: version.titlePath, state: 'skipped' }),
        ]),
      ],
      stage,
    );
    expect(results[0]).toMatchObject({ status: 'skipped', notApplicable: 'no database here' });
    expect(results[0]!.message).toBeUndefined();
    expect(results[1]!.status).toBe('skipped');
    expect(results[1]!.notApplicable).toBeUndefined();
    expect(results[1]!.message).toContain('without a declared reason');
  });

  it('uses the runner skip note (Playwright annotation) as the reason', () => {
    const [r] = collect(
      planOf([health]),
      [
        vitest([
          makeRawTest({
            titlePath: health.titlePath,
            state: 'skipped',
            skipNote: 'no mutations on production',
          }),
        ]),
      ],
      stage,
    );
    expect(r).toMatchObject({ status: 'skipped', notApplicable: 'no mutations on production' });
  });

  it('marks a pass on retry as flaky, saying which retry', () => {
    const [r] = collect(
      planOf([health]),
      [vitest([makeRawTest({ titlePath: health.titlePath, flaky: true, retries: 2 })])],
      stage,
    );
    expect(r).toMatchObject({ status: 'flaky', retries: 2, message: 'passed only on retry 2' });
  });

  it('makes a timed-out test errored', () => {
    const [r] = collect(
      planOf([health]),
      [
        vitest([
          makeRawTest({
            titlePath: health.titlePath,
            state: 'timedOut',
            errors: [{ message: 'Test timeout of 30000ms exceeded.' }],
          }),
        ]),
      ],
      stage,
    );
    expect(r).toMatchObject({ status: 'errored', message: 'Test timeout of 30000ms exceeded.' });
  });

  it('makes an interrupted test errored', () => {
    const [r] = collect(
      planOf([health]),
      [vitest([makeRawTest({ titlePath: health.titlePath, state: 'interrupted' })])],
      stage,
    );
    expect(r!.status).toBe('errored');
  });

  it('classifies failures: assertion → failed, refused connection → errored with "target unreachable"', () => {
    const results = collect(
      planOf([health, version]),
      [
        vitest([
          makeRawTest({
            titlePath: health.titlePath,
            state: 'failed',
            errors: [{ name: 'AssertionError', message: 'expected 500 to be 200' }],
          }),
          makeRawTest({
            titlePath: version.titlePath,
            state: 'failed',
            errors: [
              {
                name: 'Error',
                message:
                  'Error: page.goto: net::ERR_CONNECTION_REFUSED at http://127.0.0.1:1/\nCall log:\n  - navigating',
              },
            ],
          }),
        ]),
      ],
      stage,
    );
    expect(results[0]).toMatchObject({ status: 'failed', message: 'expected 500 to be 200' });
    expect(results[1]!.status).toBe('errored');
    expect(results[1]!.message).toMatch(/^target unreachable \(net::ERR_CONNECTION_REFUSED\)/);
    expect(results[1]!.message).not.toContain('Call log');
  });

  it('strips ANSI colours from messages', () => {
    const [r] = collect(
      planOf([health]),
      [
        vitest([
          makeRawTest({
            titlePath: health.titlePath,
            state: 'failed',
            errors: [{ name: 'AssertionError', message: '\u001b[31mexpected\u001b[39m 1 to be 2' }],
          }),
        ]),
      ],
      stage,
    );
    expect(r!.message).toBe('expected 1 to be 2');
  });

  it('still includes a result nobody planned, with a derived id and the advisory rule of the stage', () => {
    const results = collect(
      planOf([health]),
      [
        vitest([
          makeRawTest({ titlePath: health.titlePath }),
          makeRawTest({
            titlePath: ['probes', 'surprise'],
            state: 'failed',
            errors: [{ name: 'AssertionError', message: 'no' }],
          }),
        ]),
        {
          kind: 'playwright',
          raw: {
            runner: 'playwright',
            tests: [
              makeRawTest({ file: 'smoke/golden.spec.ts', titlePath: ['login @canary [golden/login]'] }),
            ],
            moduleErrors: [],
            runErrors: [],
          },
        },
      ],
      stage,
    );
    expect(results.map((r) => [r.id, r.status, r.blocking, r.kind])).toEqual([
      ['probes/health', 'passed', true, 'vitest'],
      ['probes/probes-surprise', 'failed', true, 'vitest'],
      ['golden/login', 'passed', false, 'playwright'],
    ]);
    expect(results[2]!.title).toBe('login');
  });

  it('keeps the planned blocking flag and title', () => {
    const [r] = collect(
      planOf([{ ...health, blocking: false }]),
      [
        vitest([
          makeRawTest({
            titlePath: health.titlePath,
            state: 'failed',
            errors: [{ name: 'AssertionError', message: 'x' }],
          }),
        ]),
      ],
      stage,
    );
    expect(r).toMatchObject({ blocking: false, title: 'probes › health answers', status: 'failed' });
  });
});

describe('collect: one bad value never loses a run', () => {
  const good = { titlePath: ['probes', 'good [probes/good]'], id: 'probes/good' };
  const bad = { titlePath: ['probes', 'bad [probes/bad]'], id: 'probes/bad' };
  const nan = { titlePath: ['probes', 'nan [probes/nan]'], id: 'probes/nan' };

  it('a boolean actual errors that one check only and the verdict keeps the others', () => {
    const ok = makeMeasurement();
    const boolean = { ...makeMeasurement({ name: 'ready' }), actual: true } as unknown as Measurement;
    const checks = collect(
      planOf([good, bad]),
      [
        vitest([
          makeRawTest({ titlePath: good.titlePath, record: { measurements: [ok], evidence: [] } }),
          makeRawTest({
            titlePath: bad.titlePath,
            record: {
              measurements: [ok, boolean],
              evidence: [{ name: 'body', contentType: 'text/plain', body: 'ok' }],
            },
          }),
        ]),
      ],
      stage,
    );
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['probes/good', 'passed'],
      ['probes/bad', 'errored'],
    ]);
    expect(checks[1]).toMatchObject({
      message:
        'recorded a value the verdict cannot hold: measurement "ready": actual must be a number, got boolean true',
      blocking: true,
      // What was valid stays as evidence; the value the verdict cannot hold is named in the message.
      measurements: [ok],
      evidence: [{ name: 'body', contentType: 'text/plain', body: 'ok' }],
    });
    const verdict = makeVerdict(checks, { verdict: 'hold' });
    expect(Verdict.safeParse(verdict).success).toBe(true);
    expect(decide(checks, stage).reasons).toEqual([
      'probes/bad errored: recorded a value the verdict cannot hold: measurement "ready": actual must be a number, got boolean true',
    ]);
  });

  it('NaN, an unknown operator and a pass without data each error their check, naming field and value', () => {
    const named = (m: Record<string, unknown>) => ({ ...makeMeasurement(), ...m }) as unknown as Measurement;
    const checks = collect(
      planOf([good, bad, nan]),
      [
        vitest([
          makeRawTest({
            titlePath: good.titlePath,
            record: { measurements: [named({ name: 'p95', actual: Number.NaN })], evidence: [] },
          }),
          makeRawTest({
            titlePath: bad.titlePath,
            state: 'failed',
            errors: [{ name: 'AssertionError', message: 'expected 500 to be 200' }],
            record: { measurements: [named({ name: 'status', operator: '=~' })], evidence: [] },
          }),
          makeRawTest({
            titlePath: nan.titlePath,
            // JSON turned the NaN into null; the runner-side reporter said what it was.
            recordProblems: ['measurement "lcp": actual must be a finite number, got NaN'],
            record: { measurements: [named({ name: 'lcp', actual: null, passed: false })], evidence: [] },
          }),
        ]),
      ],
      stage,
    );
    expect(checks.map((c) => [c.id, c.status, c.message])).toEqual([
      [
        'probes/good',
        'errored',
        'recorded a value the verdict cannot hold: measurement "p95": actual must be a finite number, got NaN',
      ],
      [
        'probes/bad',
        'errored',
        'recorded a value the verdict cannot hold: measurement "status": operator must be one of <, <=, >, >=, ==, !=, got string "=~"\nexpected 500 to be 200',
      ],
      [
        'probes/nan',
        'errored',
        'recorded a value the verdict cannot hold: measurement "lcp": actual must be a finite number, got NaN',
      ],
    ]);
    const noData = validCheck(
      makeCheck({ measurements: [named({ name: 'ttfb', actual: null, passed: true })] }),
    );
    expect(noData.message).toBe(
      'recorded a value the verdict cannot hold: measurement "ttfb": passed is true but actual is null: nothing measured never passes',
    );
  });

  it('a check whose every field is unreadable still becomes a valid errored, blocking check', () => {
    const garbage = { id: '', kind: 'jest', durationMs: Number.NaN, measurements: 'x', retries: -1 };
    const c = validCheck(garbage as unknown as CheckResult, 2);
    expect(CheckResult.safeParse(c).success).toBe(true);
    expect(c).toMatchObject({
      id: 'invalid-check-3',
      title: 'invalid-check-3',
      kind: 'harness',
      status: 'errored',
      blocking: true,
      durationMs: 0,
      measurements: [],
      retries: 0,
    });
    expect(c.message).toContain('id: Too small: expected string to have >=1 characters, got string ""');
  });
});
