import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { shardFolder, shardResult, writeShardResult } from '../../src/cli/shard-gate.ts';
import { RollgateError } from '../../src/config/errors.ts';
import { createMasker } from '../../src/config/mask.ts';
import type { ResolvedGate } from '../../src/config/options.ts';
import type { GateRunResult } from '../../src/engine/run-gate.ts';
import type { CheckResult } from '../../src/model/check-result.ts';
import { Stage } from '../../src/model/runbook.ts';
import { ShardResult } from '../../src/model/shard.ts';
import { summarize } from '../../src/model/verdict.ts';

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'rollgate-shard-result-'));
  made.push(d);
  return d;
};

const SECRET = 'hunter2-very-secret-token';
const gate = {
  stageName: 'canary',
  stage: Stage.parse({ target: 'app', smoke: { specs: ['smoke/a.spec.ts'] } }),
  release: '1.0.0',
  reportsDir: '/r',
} as ResolvedGate;

const check = (id: string, status: CheckResult['status'], extra: Partial<CheckResult> = {}): CheckResult => ({
  id,
  title: id,
  suite: 'smoke/a.spec.ts',
  kind: 'playwright',
  status,
  blocking: true,
  durationMs: 3,
  measurements: [],
  evidence: [],
  retries: 0,
  ...extra,
});

/** What runGate returns for a shard: the verdict it decided (waivers applied) and the shard's parts. */
function run(dir: string, checks: CheckResult[]): GateRunResult {
  return {
    verdict: {
      schemaVersion: 1,
      runId: '20260301T060000Z-abcdef',
      runbook: 'demo',
      stage: 'canary',
      verdict: checks.every((c) => c.status === 'passed') ? 'promote' : 'hold',
      startedAt: '2026-03-01T06:00:00.000Z',
      finishedAt: '2026-03-01T06:01:00.000Z',
      durationMs: 60_000,
      target: { baseURL: 'http://127.0.0.1:1', version: '1.0.0', embedded: false },
      checks,
      summary: summarize(checks),
      reasons: [],
      signoffs: [],
    },
    warnings: [],
    runDir: dir,
    secretValues: [SECRET],
    shard: {
      checks,
      governance: { checks: [], signoffs: [] },
      planned: checks.map(({ id, title, suite, kind, blocking }) => ({ id, title, suite, kind, blocking })),
    },
  };
}

describe("a shard's result", () => {
  test('its own checks decide its outcome (never a verdict); evidence in its folder is kept relative', () => {
    const dir = tempDir();
    const shot = path.join(dir, 'playwright', 'x', 'shot.png');
    const failed = check('pw/b', 'failed', {
      message: 'status 500',
      evidence: [{ name: 'screenshot', contentType: 'image/png', path: shot }],
    });
    const r = shardResult(run(dir, [check('pw/a', 'passed'), failed]), gate, { index: 2, total: 2 }, dir);
    expect(r.outcome).toBe('failed');
    expect(r.reasons).toEqual(['pw/b failed: status 500']);
    expect(r.governance).toBeUndefined();
    expect(r.checks[1]!.evidence[0]!.path).toBe(path.join('playwright', 'x', 'shot.png'));
    const ok = shardResult(run(dir, [check('pw/a', 'passed')]), gate, { index: 1, total: 2 }, dir);
    expect(ok.outcome).toBe('passed');
    expect(ok.governance).toEqual({ checks: [], signoffs: [] });
  });

  test('shard.json is written through the run’s masker and validated by its schema', () => {
    const dir = tempDir();
    const leaky = check('pw/b', 'failed', {
      message: `login with ${SECRET} refused`,
      evidence: [{ name: 'response', contentType: 'text/plain', body: `token=${SECRET}` }],
    });
    const result = shardResult(run(dir, [leaky]), gate, { index: 1, total: 2 }, dir);
    const { file, written } = writeShardResult(result, dir, createMasker([SECRET]));
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(SECRET);
    expect(text).toContain('login with *** refused');
    expect(ShardResult.parse(JSON.parse(text))).toEqual(written);
  });

  test('its folder: --out must be new or empty; else reports/shards/<run-id>/', () => {
    const out = tempDir();
    expect(shardFolder(gate, undefined)('run-1')).toBe(path.join('/r', 'shards', 'run-1'));
    expect(shardFolder(gate, out)('run-1')).toBe(out);
    expect(shardFolder(gate, path.join(out, 'new'))('x')).toBe(path.join(out, 'new'));
    mkdirSync(path.join(out, 'old'));
    writeFileSync(path.join(out, 'old', 'shard.json'), '{}');
    expect(() => shardFolder(gate, path.join(out, 'old'))).toThrow(RollgateError);
    expect(() => shardFolder(gate, path.join(out, 'old'))).toThrow(/not empty/);
  });
});
