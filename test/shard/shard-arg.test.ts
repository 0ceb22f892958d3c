import { describe, expect, test } from 'vitest';
import { RollgateError } from '../../src/config/errors.ts';
import type { ResolvedGate } from '../../src/config/options.ts';
import { parseShardArg, refuseUnshardable } from '../../src/engine/shard/shard-arg.ts';
import { goldenPathsOnly, shardGate } from '../../src/engine/shard/shard-stage.ts';
import { Stage } from '../../src/model/runbook.ts';
import { ShardSpec } from '../../src/model/shard.ts';

/** The message and code of what `fn` throws (it must throw a RollgateError). */
function refusal(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RollgateError);
    return { code: (error as RollgateError).code, message: (error as Error).message };
  }
  throw new Error('did not throw');
}

describe('--shard i/n', () => {
  test('reads whole numbers with 1 <= i <= n and 2 <= n <= 64', () => {
    expect(parseShardArg('1/2')).toEqual({ index: 1, total: 2 });
    expect(parseShardArg(' 3 / 3 ')).toEqual({ index: 3, total: 3 });
    expect(parseShardArg('64/64')).toEqual({ index: 64, total: 64 });
    expect(ShardSpec.safeParse(parseShardArg('2/5')).success).toBe(true);
  });

  test.each([
    ['0/2', 'between 1 and 2'],
    ['3/2', 'between 1 and 2'],
    ['1/1', 'at least 2 shards'],
    ['1/65', 'at most 64'],
    ['1.5/2', 'two whole numbers'],
    ['-1/2', 'two whole numbers'],
    ['2', 'two whole numbers'],
    ['a/b', 'two whole numbers'],
  ])('refuses %s, saying why and what to give (exit 2)', (text, why) => {
    const r = refusal(() => parseShardArg(text));
    expect(r.code).toBe('ROLLGATE_BAD_ARGUMENT');
    expect(r.message).toContain(`--shard "${text}"`);
    expect(r.message).toContain(why);
    expect(r.message).toContain('--shard 1/2');
  });

  test('the schema refuses what the parser refuses', () => {
    expect(ShardSpec.safeParse({ index: 3, total: 2 }).success).toBe(false);
    expect(ShardSpec.safeParse({ index: 1, total: 1 }).success).toBe(false);
    expect(ShardSpec.safeParse({ index: 1, total: 65 }).success).toBe(false);
  });
});

describe('which stages can be sharded', () => {
  const stage = Stage.parse({ target: 't', smoke: { specs: ['a.spec.ts'] } });
  const ok = { watch: false, k6Summary: false };

  test('a stage with golden paths can; the refusals name the stage and the way out', () => {
    expect(() => refuseUnshardable('canary', stage, { index: 2, total: 2 }, ok)).not.toThrow();
    const noSpecs = refusal(() =>
      refuseUnshardable('pre', Stage.parse({ target: 't' }), { index: 1, total: 2 }, ok),
    );
    expect(noSpecs.message).toContain('stage "pre" has no Playwright golden paths');
    const drill = refusal(() =>
      refuseUnshardable('dr', { ...stage, drill: {} as Stage['drill'] }, { index: 1, total: 2 }, ok),
    );
    expect(drill.message).toContain('is a drill');
    const watch = refusal(() =>
      refuseUnshardable('canary', stage, { index: 1, total: 2 }, { watch: true, k6Summary: false }),
    );
    expect(watch.message).toContain('watch');
  });

  test('a k6 summary goes to shard 1, which judges the load', () => {
    const k6 = { watch: false, k6Summary: true };
    expect(() => refuseUnshardable('canary', stage, { index: 1, total: 2 }, k6)).not.toThrow();
    expect(refusal(() => refuseUnshardable('canary', stage, { index: 2, total: 2 }, k6)).message).toContain(
      'shard 1',
    );
  });

  test('shard 1 runs the whole stage; any other runs its golden paths alone', () => {
    const full = Stage.parse({
      target: 't',
      checks: ['health'],
      suites: ['s.suite.ts'],
      smoke: { specs: ['a.spec.ts'], grep: '@canary' },
      load: { profile: 'load/p.ts' },
      budgets: [{ name: 'lcp', operator: '<=', value: 2500, unit: 'ms' }],
      windows: [{ days: ['mon'], from: '09:00', to: '17:00', timeZone: 'UTC' }],
      availability: { path: '/health' },
    });
    const gate = { stageName: 'canary', stage: full, k6Summary: '/k6.json' } as unknown as ResolvedGate;
    expect(shardGate(gate, { index: 1, total: 3 })).toBe(gate);
    const rest = shardGate(gate, { index: 3, total: 3 });
    expect(rest.k6Summary).toBeUndefined();
    expect(rest.stage).toEqual(goldenPathsOnly(full));
    expect(rest.stage.smoke).toEqual(full.smoke);
    expect(rest.stage.budgets).toEqual(full.budgets);
    expect([rest.stage.checks, rest.stage.suites, rest.stage.windows, rest.stage.metrics]).toEqual([
      [],
      [],
      [],
      [],
    ]);
    expect([rest.stage.load, rest.stage.availability, rest.stage.maintenance]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});
