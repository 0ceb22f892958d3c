import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMasker } from '../../src/config/mask.ts';
import { VERDICT_RESULT_ID, writeAllure, writeVerdictResult } from '../../src/reporters/allure.ts';
import { CATEGORY_LABEL, categoryOf } from '../../src/reporters/allure-categories.ts';
import { makeCheck, makeMeasurement, makeVerdict, tempDirs } from './helpers.ts';

const dirs = tempDirs('rollgate-allure-');
afterAll(() => dirs.cleanup());

interface AllureResult {
  name: string;
  fullName: string;
  status: string;
  historyId: string;
  statusDetails: { message: string; trace?: string; flaky: boolean; known: boolean };
  start: number;
  stop: number;
  labels: { name: string; value: string }[];
  parameters: { name: string; value: string; excluded?: boolean }[];
  steps: { name: string; status: string }[];
  attachments: { name: string; source: string; type: string }[];
}

function readResults(dir: string): Map<string, AllureResult> {
  const out = new Map<string, AllureResult>();
  for (const f of readdirSync(dir).filter((f) => f.endsWith('-result.json'))) {
    const r = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as AllureResult;
    out.set(r.labels.find((l) => l.name === 'AS_ID')!.value, r);
  }
  return out;
}

const mask = createMasker(['s3cret-token']);

function run(checks = defaultChecks()) {
  const runDir = dirs.make();
  const dir = writeAllure(makeVerdict(checks, { verdict: 'hold' }), runDir, mask);
  return { dir, runDir, results: readResults(dir) };
}

function defaultChecks() {
  return [
    makeCheck({ id: 'ok', durationMs: 250 }),
    makeCheck({
      id: 'slow',
      status: 'failed',
      message: 'too slow',
      measurements: [makeMeasurement({ name: 'fine' }), makeMeasurement({ actual: 812, passed: false })],
    }),
    makeCheck({
      id: 'down',
      status: 'errored',
      message: 'Authorization s3cret-token refused',
      evidence: [{ name: 'response', contentType: 'text/plain', body: 'HTTP/1.1 401\nBearer s3cret-token' }],
    }),
    makeCheck({ id: 'na', status: 'skipped', notApplicable: 'no backups' }),
    makeCheck({ id: 'retry', status: 'flaky' }),
    makeCheck({ id: 'ok-by-person', status: 'waived' }),
  ];
}

describe('writeAllure', () => {
  it('writes one result file per check into allure-results', () => {
    const { dir, runDir, results } = run();
    expect(dir).toBe(path.join(runDir, 'allure-results'));
    expect(readdirSync(dir).filter((f) => f.endsWith('-result.json'))).toHaveLength(6);
    expect([...results.keys()].sort()).toEqual(['down', 'na', 'ok', 'ok-by-person', 'retry', 'slow']);
  });

  it('maps statuses: errored → broken, flaky → passed (flagged), waived → skipped (known)', () => {
    const { results } = run();
    const status = Object.fromEntries([...results].map(([id, r]) => [id, r.status]));
    expect(status).toEqual({
      ok: 'passed',
      slow: 'failed',
      down: 'broken',
      na: 'skipped',
      retry: 'passed',
      'ok-by-person': 'skipped',
    });
    expect(results.get('retry')!.statusDetails.flaky).toBe(true);
    expect(results.get('ok-by-person')!.statusDetails.known).toBe(true);
    expect(results.get('na')!.statusDetails.message).toBe('not applicable: no backups');
  });

  it('labels and parameters a coded check with its code, its fix in the trace; measurement steps by outcome', () => {
    const { results } = run([
      makeCheck({
        id: 'nodata',
        status: 'errored',
        message: 'p95: no value',
        code: 'ROLLGATE_NO_DATA',
        measurements: [
          makeMeasurement({ name: 'p95', actual: null, passed: false, outcome: 'no-data' }),
          makeMeasurement({ name: 'p99', actual: 812, passed: false, outcome: 'fail' }),
          makeMeasurement({ name: 'p50', outcome: 'pass' }),
        ],
      }),
      makeCheck({ id: 'plain', status: 'failed', message: 'x' }),
    ]);
    const r = results.get('nodata')!;
    expect(r.labels).toContainEqual({ name: 'code', value: 'ROLLGATE_NO_DATA' });
    expect(r.parameters).toContainEqual({ name: 'code', value: 'ROLLGATE_NO_DATA', excluded: true });
    expect(r.statusDetails.trace).toBe(
      'ROLLGATE_NO_DATA: make the check observe something: more samples, a longer run, or a target that answers',
    );
    expect(r.steps.map((s) => s.status)).toEqual(['broken', 'failed', 'passed']);
    const plain = results.get('plain')!;
    expect(plain.labels.some((l) => l.name === 'code')).toBe(false);
    expect(plain.parameters.some((p) => p.name === 'code')).toBe(false);
    expect(plain.statusDetails.trace).toBeUndefined();
  });

  it('names results by runbook, stage and check, with timing from the verdict', () => {
    const r = run().results.get('ok')!;
    expect(r.fullName).toBe('demo/canary/ok');
    expect(r.start).toBe(Date.parse('2026-03-08T06:30:00.000Z'));
    expect(r.stop - r.start).toBe(250);
  });

  it('keeps a stable historyId per runbook, stage and check across runs', () => {
    expect(run().results.get('slow')!.historyId).toBe(run().results.get('slow')!.historyId);
    expect(run().results.get('slow')!.historyId).not.toBe(run().results.get('ok')!.historyId);
  });

  it('turns measurements into steps, failed where the budget broke', () => {
    const steps = run().results.get('slow')!.steps;
    expect(steps.map((s) => s.status)).toEqual(['passed', 'failed']);
    expect(steps[1]!.name).toBe('p95-latency: 812 ms violates <= 500 ms (1200 samples)');
  });

  it('attaches an evidence body as a file, masked, and masks the result itself', () => {
    const { dir, results } = run();
    const r = results.get('down')!;
    expect(r.attachments).toHaveLength(1);
    expect(r.attachments[0]).toMatchObject({ name: 'response', type: 'text/plain' });
    expect(r.attachments[0]!.source).toMatch(/-attachment\.txt$/);
    expect(readFileSync(path.join(dir, r.attachments[0]!.source), 'utf8')).toBe('HTTP/1.1 401\nBearer ***');
    expect(r.statusDetails.message).toBe('Authorization *** refused');
    for (const f of readdirSync(dir))
      expect(readFileSync(path.join(dir, f), 'utf8')).not.toContain('s3cret-token');
  });

  it('copies an evidence file given by path, and skips one that does not exist', () => {
    const shot = path.join(dirs.make(), 'shot.png');
    writeFileSync(shot, Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    const { dir, results } = run([
      makeCheck({
        id: 'with-files',
        evidence: [
          { name: 'screenshot', contentType: 'image/png', path: shot },
          { name: 'gone', contentType: 'image/png', path: '/nonexistent/rollgate/shot.png' },
        ],
      }),
    ]);
    const attachments = results.get('with-files')!.attachments;
    expect(attachments).toHaveLength(1);
    expect(attachments[0]!.name).toBe('screenshot');
    expect(readFileSync(path.join(dir, attachments[0]!.source)).equals(readFileSync(shot))).toBe(true);
  });

  it('writes environment.properties with the verdict, masked', () => {
    const runDir = dirs.make();
    const dir = writeAllure(
      makeVerdict([makeCheck()], {
        target: { baseURL: 'http://u:pw@127.0.0.1:1', version: '1.2.3', embedded: false },
      }),
      runDir,
      mask,
    );
    const env = readFileSync(path.join(dir, 'environment.properties'), 'utf8');
    expect(env).toContain('verdict=PROMOTE\n');
    expect(env).toContain('release=1.2.3\n');
    expect(env).toContain('target=http://u:***@127.0.0.1:1\n');
  });
});

describe('history identity, measurements as parameters, categories', () => {
  it('keeps one history per stage and check: only the check id and stage count, the rest is excluded', () => {
    const r = run().results.get('slow')!;
    const counted = r.parameters.filter((p) => !p.excluded).map((p) => [p.name, p.value]);
    expect(counted).toEqual([
      ['check id', 'slow'],
      ['stage', 'demo/canary'],
    ]);
    const excluded = r.parameters.filter((p) => p.excluded).map((p) => p.name);
    expect(excluded).toEqual(['rollgate status', 'release', 'fine', 'p95-latency']);
  });

  it('shows each measurement as a parameter: its name, then actual, rule and samples', () => {
    const r = run().results.get('slow')!;
    const value = (name: string) => r.parameters.find((p) => p.name === name)?.value;
    expect(value('p95-latency')).toBe('812 ms violates <= 500 ms (1200 samples)');
    expect(value('fine')).toBe('420 ms <= 500 ms (1200 samples)');
    // Two measurements of one name (one per page, say) stay two parameters.
    const twice = run([
      makeCheck({
        id: 'pages',
        measurements: [makeMeasurement({ name: 'lcp' }), makeMeasurement({ name: 'lcp' })],
      }),
    ]).results.get('pages')!;
    expect(twice.parameters.filter((p) => p.excluded && p.name.startsWith('lcp')).map((p) => p.name)).toEqual(
      ['lcp', 'lcp #2'],
    );
  });

  it('classifies: errored = harness or environment, a broken numeric limit = budget breach, any other failure = product', () => {
    const breach = makeCheck({
      status: 'failed',
      measurements: [makeMeasurement({ actual: 812, passed: false, outcome: 'fail' })],
    });
    const version = makeCheck({
      status: 'failed',
      measurements: [
        makeMeasurement({
          name: 'version',
          actual: '0.0.9',
          operator: '==',
          expected: '0.1.0',
          unit: undefined,
          samples: 1,
          passed: false,
          outcome: 'fail',
        }),
      ],
    });
    const metricEquality = makeCheck({
      kind: 'metrics',
      status: 'failed',
      measurements: [
        makeMeasurement({
          name: 'up',
          actual: 0,
          operator: '==',
          expected: 1,
          passed: false,
          outcome: 'fail',
        }),
      ],
    });
    // A failed check whose budget was not judged (no data) did not breach it: it failed for another reason.
    const unjudged = makeCheck({
      status: 'failed',
      measurements: [makeMeasurement({ actual: null, passed: false, outcome: 'no-data' })],
    });
    expect(categoryOf(breach)).toBe('budget-breach');
    expect(categoryOf(metricEquality)).toBe('budget-breach');
    expect(categoryOf(version)).toBe('product-failure');
    expect(categoryOf(unjudged)).toBe('product-failure');
    expect(categoryOf(makeCheck({ status: 'failed' }))).toBe('product-failure');
    expect(categoryOf(makeCheck({ status: 'errored', measurements: breach.measurements }))).toBe(
      'harness-error',
    );
    for (const status of ['passed', 'skipped', 'flaky', 'waived'] as const)
      expect(categoryOf(makeCheck({ status }))).toBeUndefined();
  });

  it('labels every failed and broken result with its category, and no other', () => {
    const { results } = run();
    const category = (id: string) => results.get(id)!.labels.find((l) => l.name === CATEGORY_LABEL)?.value;
    expect(category('slow')).toBe('budget-breach');
    expect(category('down')).toBe('harness-error');
    expect(['ok', 'na', 'retry', 'ok-by-person'].map(category)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('sign-offs, waivers and the run-level verdict result', () => {
  const waiver = {
    by: 'dana',
    reason: 'known flake, s3cret-token',
    expires: '2026-04-01',
    at: '2026-03-08T06:00:00Z',
  };
  const signoff = { title: 'Security approval', role: 'security', by: 'sam', at: '2026-03-08T06:10:00Z' };

  it('attaches a waived check its waiver and a sign-off check its sign-off, as masked JSON', () => {
    const runDir = dirs.make();
    const dir = writeAllure(
      makeVerdict(
        [
          makeCheck({ id: 'flaky-one', status: 'waived', waiver }),
          makeCheck({ id: 'signoff/security-approval', kind: 'manual' }),
        ],
        { signoffs: [signoff] },
      ),
      runDir,
      mask,
    );
    const results = readResults(dir);
    const json = (id: string, name: string) => {
      const a = results.get(id)!.attachments.find((x) => x.name === name)!;
      expect(a.type).toBe('application/json');
      return JSON.parse(readFileSync(path.join(dir, a.source), 'utf8'));
    };
    expect(json('flaky-one', 'waiver')).toEqual({ ...waiver, reason: 'known flake, ***' });
    expect(json('signoff/security-approval', 'sign-off')).toEqual(signoff);
  });

  it('writes one verdict result per run: HOLD failed with its reasons, PROMOTE passed, same history id', () => {
    const hold = makeVerdict([makeCheck({ status: 'failed' })], {
      verdict: 'hold',
      reasons: ['probes/version failed: 0.0.9 == 0.1.0'],
      signoffs: [signoff],
      runbookGit: { sha: 'a'.repeat(40), dirty: true },
    });
    const read = (v: typeof hold) => {
      const dir = dirs.make();
      writeVerdictResult(v, dir, mask);
      const [r] = readResults(dir).values();
      return { r: r!, dir };
    };
    const { r, dir } = read(hold);
    expect(r.labels).toContainEqual({ name: 'AS_ID', value: VERDICT_RESULT_ID });
    expect(r.labels).toContainEqual({ name: CATEGORY_LABEL, value: 'hold' });
    expect(r.status).toBe('failed');
    expect(r.name).toBe('demo/canary verdict: HOLD (release 1.2.3)');
    expect(r.statusDetails.message).toContain('probes/version failed: 0.0.9 == 0.1.0');
    expect(r.attachments.map((a) => a.name)).toEqual(['verdict', 'sign-offs', 'runbook git']);
    const git = r.attachments.find((a) => a.name === 'runbook git')!;
    expect(JSON.parse(readFileSync(path.join(dir, git.source), 'utf8'))).toEqual({
      sha: 'a'.repeat(40),
      dirty: true,
    });
    const promote = read(makeVerdict()).r;
    expect(promote.status).toBe('passed');
    expect(promote.labels.some((l) => l.name === CATEGORY_LABEL)).toBe(false);
    expect(promote.parameters.filter((p) => !p.excluded)).toEqual(r.parameters.filter((p) => !p.excluded));
  });

  it('puts the runbook git revision in environment.properties', () => {
    const dir = writeAllure(
      makeVerdict([makeCheck()], { runbookGit: { sha: 'b'.repeat(40), dirty: false } }),
      dirs.make(),
      mask,
    );
    expect(readFileSync(path.join(dir, 'environment.properties'), 'utf8')).toContain(
      `runbookGit=${'b'.repeat(40)}\n`,
    );
  });
});
