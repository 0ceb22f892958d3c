import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { RollgateError } from '../../src/config/errors.ts';
import { unmeasuredBudgetChecks } from '../../src/engine/run-gate.ts';
import { gatherShards, relativeEvidence } from '../../src/engine/shard/gather.ts';
import {
  completeness,
  interruptedShards,
  mergeShardChecks,
  mixedRevisions,
  refuseMixed,
  type ShardInput,
} from '../../src/engine/shard/merge-shards.ts';
import { readShards } from '../../src/engine/shard/read-shards.ts';
import type { CheckResult, PlannedCheck } from '../../src/model/check-result.ts';
import { Stage } from '../../src/model/runbook.ts';
import { SHARD_RESULT_FILE, ShardResult } from '../../src/model/shard.ts';

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'rollgate-shard-unit-'));
  made.push(d);
  return d;
};

const check = (
  id: string,
  kind: CheckResult['kind'],
  status: CheckResult['status'] = 'passed',
): CheckResult => ({
  id,
  title: id,
  suite: kind === 'playwright' ? 'smoke/a.spec.ts' : kind,
  kind,
  status,
  blocking: true,
  durationMs: 1,
  measurements: [],
  evidence: [],
  retries: 0,
});
const planned = (id: string): PlannedCheck => ({
  id,
  title: id,
  suite: 'smoke/a.spec.ts',
  kind: 'playwright',
  blocking: true,
});

function shard(
  index: number,
  total: number,
  checks: CheckResult[],
  extra: Partial<ShardResult> = {},
): ShardInput {
  return {
    dir: `/shards/${index}`,
    result: ShardResult.parse({
      schemaVersion: 1,
      runId: `run-${index}`,
      runbook: 'demo',
      stage: 'canary',
      release: '1.0.0',
      shard: { index, total },
      startedAt: `2026-03-0${index}T06:00:00.000Z`,
      finishedAt: `2026-03-0${index}T06:01:00.000Z`,
      target: { baseURL: 'http://127.0.0.1:1', embedded: false },
      planned: checks.filter((c) => c.kind === 'playwright').map((c) => planned(c.id)),
      checks,
      outcome: 'passed',
      reasons: [],
      ...extra,
    }),
  };
}

const ids = (checks: CheckResult[]) => checks.map((c) => [c.id, c.status]);
const PLAN = ['pw/a', 'pw/b', 'pw/c'].map(planned);

describe('merging shard results', () => {
  const one = shard(1, 2, [
    check('auth/sign-in', 'harness'),
    check('probes/health-live', 'builtin'),
    check('suite/x', 'vitest'),
    check('pw/a', 'playwright'),
    check('pw/b', 'playwright', 'failed'),
    check('load/canary', 'load'),
  ]);
  const two = shard(2, 2, [check('auth/sign-in', 'harness'), check('pw/c', 'playwright')]);

  test('all shards: shard 1 stands for the rest, the golden paths take the full plan order, nothing extra', () => {
    const merged = mergeShardChecks([two, one], PLAN);
    expect(ids(merged)).toEqual([
      ['auth/sign-in', 'passed'],
      ['probes/health-live', 'passed'],
      ['suite/x', 'passed'],
      ['pw/a', 'passed'],
      ['pw/b', 'failed'],
      ['pw/c', 'passed'],
      ['load/canary', 'passed'],
    ]);
    expect(completeness([one, two])).toEqual({ total: 2, missing: [], duplicated: [] });
  });

  test('a check several shards ran counts at its worst, saying so', () => {
    const failedSignIn = shard(2, 2, [
      check('auth/sign-in', 'harness', 'errored'),
      check('pw/c', 'playwright', 'errored'),
    ]);
    const signIn = mergeShardChecks([one, failedSignIn], PLAN).find((c) => c.id === 'auth/sign-in')!;
    expect(signIn.status).toBe('errored');
    expect(signIn.message).toContain('reported by shards 1, 2');
  });

  test('a missing shard HOLDs: shard/<i> errored naming it, and its golden paths errored with no result', () => {
    const merged = mergeShardChecks([one], PLAN);
    const missing = merged.find((c) => c.id === 'shard/2')!;
    expect(missing).toMatchObject({ status: 'errored', blocking: true, code: 'ROLLGATE_SHARD_MISSING' });
    expect(missing.message).toContain('shard 2/2 is missing');
    const c = merged.find((x) => x.id === 'pw/c')!;
    expect(c).toMatchObject({ status: 'errored', code: 'ROLLGATE_NO_RESULT', kind: 'playwright' });
    expect(c.message).toContain('missing: 2/2');
    expect(merged[0]!.id).toBe('shard/2');
  });

  test('shard 1 missing names what only it runs; the other shard’s checks still stand', () => {
    const merged = mergeShardChecks([two], PLAN);
    expect(merged.find((c) => c.id === 'shard/1')!.message).toContain(
      'the built-in checks, suites, sign-offs',
    );
    expect(merged.find((c) => c.id === 'pw/c')!.status).toBe('passed');
    expect(merged.find((c) => c.id === 'pw/a')!.status).toBe('errored');
  });

  test('the same shard twice HOLDs, naming both folders', () => {
    const again = { ...one, dir: '/elsewhere/1' };
    const merged = mergeShardChecks([one, again, two], PLAN);
    const dup = merged.find((c) => c.id === 'shard/1')!;
    expect(dup).toMatchObject({ status: 'errored', code: 'ROLLGATE_SHARD_DUPLICATE' });
    expect(dup.message).toContain('/shards/1, /elsewhere/1');
    expect(merged.filter((c) => c.id === 'pw/a')).toHaveLength(1);
  });

  test('a golden path no shard was assigned (another checkout) is errored; a result the plan lacks still counts', () => {
    const merged = mergeShardChecks([one, two], [...PLAN, planned('pw/new')]);
    const added = merged.find((c) => c.id === 'pw/new')!;
    expect(added.status).toBe('errored');
    expect(added.message).toContain('same commit');
    const shorter = mergeShardChecks([one, two], PLAN.slice(0, 2));
    expect(shorter.find((c) => c.id === 'pw/c')!.status).toBe('passed');
  });

  test('shards of different runs are refused (exit 2), naming each folder’s value', () => {
    for (const [field, extra] of [
      ['release', { release: '2.0.0' }],
      ['stage', { stage: 'production' }],
      ['runbook', { runbook: 'other' }],
      ['overrides', { overrides: { budgets: [{ name: 'lcp', operator: '<=', value: 1, unit: 'ms' }] } }],
    ] as const) {
      const other = shard(2, 2, [check('pw/c', 'playwright')], extra as Partial<ShardResult>);
      let thrown: unknown;
      try {
        refuseMixed([one, other]);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, field).toBeInstanceOf(RollgateError);
      expect((thrown as RollgateError).code).toBe('ROLLGATE_SHARD_MISMATCH');
      expect((thrown as Error).message).toContain('/shards/2 (shard 2/2)');
    }
    expect(() => refuseMixed([one, shard(2, 3, [])])).toThrow(/number of shards differ/);
    expect(() => refuseMixed([one, two])).not.toThrow();
  });

  test('shards of different commits merge with a warning naming each one’s', () => {
    const at = (sha: string) => ({ runbookGit: { sha, dirty: false } });
    expect(
      mixedRevisions([shard(1, 2, [], at('a'.repeat(40))), shard(2, 2, [], at('a'.repeat(40)))]),
    ).toBeUndefined();
    expect(mixedRevisions([one, two])).toBeUndefined();
    const warning = mixedRevisions([
      shard(1, 2, [], at('a'.repeat(40))),
      shard(2, 2, [], at('b'.repeat(40))),
    ]);
    expect(warning).toContain('/shards/1 (shard 1/2): aaaaaaaaaaaa; /shards/2 (shard 2/2): bbbbbbbbbbbb');
    expect(() =>
      refuseMixed([shard(1, 2, [], at('a'.repeat(40))), shard(2, 2, [], at('b'.repeat(40)))]),
    ).not.toThrow();
  });

  test('a budget a golden path of shard 2 measured counts: unmeasured budgets are judged on every shard’s checks', () => {
    const lcp = {
      name: 'lcp',
      actual: 1200,
      operator: '<=' as const,
      expected: 2500,
      unit: 'ms',
      samples: 1,
      passed: true,
    };
    const stage = Stage.parse({
      target: 't',
      smoke: { specs: ['smoke/a.spec.ts'] },
      budgets: [{ name: 'lcp', operator: '<=', value: 2500, unit: 'ms' }],
    });
    const gate = { stageName: 'canary', stage, overrides: undefined };
    const first = shard(1, 2, [check('probes/health-live', 'builtin'), check('pw/a', 'playwright')]);
    const second = shard(2, 2, [{ ...check('pw/c', 'playwright'), measurements: [lcp] }]);
    // Shard 1 alone measured no lcp: the stage's own budget would be errored…
    const alone = unmeasuredBudgetChecks(gate, { budgets: [] }, first.result.checks);
    expect(alone.map((c) => [c.id, c.status, c.code])).toEqual([
      ['stage/budget-lcp', 'errored', 'ROLLGATE_BUDGET_UNMEASURED'],
    ]);
    // …but the merged run measured it, in shard 2.
    const merged = mergeShardChecks([first, second], [planned('pw/a'), planned('pw/c')]);
    expect(unmeasuredBudgetChecks(gate, { budgets: [] }, merged)).toEqual([]);
  });

  test('an interrupted shard interrupts the merged run, naming it', () => {
    expect(interruptedShards([one, two])).toBeUndefined();
    const stopped = shard(2, 2, [], { interrupted: 'SIGTERM received' });
    expect(interruptedShards([one, stopped])).toBe('shard 2/2: SIGTERM received');
  });
});

describe('shard folders', () => {
  test('evidence inside the folder is kept relative to it, and points into the merged run’s copy', () => {
    const parent = tempDir();
    const dir = path.join(parent, 'shard-1');
    mkdirSync(path.join(dir, 'playwright'), { recursive: true });
    mkdirSync(path.join(dir, 'blob'), { recursive: true });
    writeFileSync(path.join(dir, 'playwright', 'shot.png'), 'png');
    writeFileSync(path.join(dir, 'blob', 'report-1.zip'), 'zip');
    const withShot: CheckResult = {
      ...check('pw/b', 'playwright', 'failed'),
      evidence: [
        { name: 'screenshot', contentType: 'image/png', path: path.join(dir, 'playwright', 'shot.png') },
        { name: 'elsewhere', contentType: 'text/plain', path: '/var/log/x.txt' },
        { name: 'body', contentType: 'text/plain', body: 'hi' },
      ],
    };
    const input = shard(1, 2, [withShot], { blob: 'blob/report-1.zip' });
    const kept = relativeEvidence(input.result, dir);
    expect(kept.checks[0]!.evidence.map((e) => e.path)).toEqual([
      'playwright/shot.png',
      '/var/log/x.txt',
      undefined,
    ]);
    writeFileSync(path.join(dir, SHARD_RESULT_FILE), JSON.stringify(kept));

    // A folder holding shard folders is read as all of them; one given twice counts twice.
    const read = readShards([dir, dir]);
    expect(read.map((r) => r.dir)).toEqual([dir, dir]);
    expect(() => readShards([tempDir()])).toThrow(/holds no shard.json/);
    expect(readShards([parent]).map((r) => r.dir)).toEqual([dir]);

    const runDir = tempDir();
    const gathered = gatherShards([read[0]!, read[1]!], runDir);
    const shot = gathered.shards[0]!.result.checks[0]!.evidence[0]!.path!;
    // Evidence into the run's own playwright/ and evidence/ (what reports and bundles read), the rest into shards/<i>/.
    expect(shot).toBe(path.join(runDir, 'playwright', 'shard-1', 'shot.png'));
    expect(readFileSync(shot, 'utf8')).toBe('png');
    expect(gathered.shards[1]!.result.checks[0]!.evidence[0]!.path).toBe(
      path.join(runDir, 'playwright', 'shard-1-2', 'shot.png'),
    );
    expect(existsSync(path.join(runDir, 'shards', '1', SHARD_RESULT_FILE))).toBe(true);
    expect(existsSync(path.join(runDir, 'shards', '1', 'blob'))).toBe(false);
    expect(gathered.blobDir).toBe(path.join(runDir, 'blob'));
    expect(readFileSync(path.join(runDir, 'blob', 'report-1.zip'), 'utf8')).toBe('zip');
    expect(readFileSync(path.join(runDir, 'blob', 'report-1-2.zip'), 'utf8')).toBe('zip');
  });

  test('a shard.json that is not a shard result is refused, naming the file and field', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, SHARD_RESULT_FILE), JSON.stringify({ schemaVersion: 1, runbook: 'demo' }));
    expect(() => readShards([dir])).toThrow(new RegExp(`${SHARD_RESULT_FILE}: runId`));
    writeFileSync(path.join(dir, SHARD_RESULT_FILE), '{"cut');
    expect(() => readShards([dir])).toThrow(/not readable JSON/);
  });
});
