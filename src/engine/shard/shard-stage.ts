import path from 'node:path';
import type { ResolvedGate } from '../../config/options.ts';
import type { Stage } from '../../model/runbook.ts';
import type { ShardSpec } from '../../model/shard.ts';
import * as steps from '../steps/gate-steps.ts';
import { runPlaywright } from '../steps/runners.ts';
import type { StepContext } from '../steps/step.ts';

/** A shard's folder: Playwright writes its blob report here, and the merge reads it from here. */
export const BLOB_DIR = 'blob';

/**
 * The part of a stage a shard other than the first runs: its golden paths only. Built-in checks,
 * vitest suites, governance (windows, stage order; sign-offs are skipped by the gate), load,
 * metric checks, maintenance mode and the availability loop run once, in shard 1.
 * Budgets stay: a golden path may measure against them (web vitals).
 */
export function goldenPathsOnly(stage: Stage): Stage {
  return {
    ...stage,
    checks: [],
    suites: [],
    suiteFilter: undefined,
    windows: [],
    requires: undefined,
    load: undefined,
    baseline: undefined,
    drill: undefined,
    metrics: [],
    metricTests: [],
    maintenance: undefined,
    availability: undefined,
    watch: undefined,
  };
}

/** What the shard runs: the whole gate for shard 1, the golden paths alone for any other. */
export function shardGate(gate: ResolvedGate, shard: ShardSpec): ResolvedGate {
  if (shard.index === 1) return gate;
  return { ...gate, stage: goldenPathsOnly(gate.stage), baseline: undefined, k6Summary: undefined };
}

/**
 * The stage's runner steps with Playwright run as this shard (`--shard i/n`), writing its blob
 * report into the shard's folder.
 */
export function shardSuiteSteps(ctx: StepContext, shard: ShardSpec): ReturnType<typeof steps.suiteSteps> {
  return steps.suiteSteps(ctx).map((s) =>
    s.kind === 'playwright'
      ? {
          ...s,
          run: (c: StepContext) =>
            runPlaywright(
              c.gate.stage,
              { root: c.root, runDir: c.runDir, env: c.env, children: c.children, onOutput: c.onOutput },
              { shard, blobDir: path.join(c.runDir, BLOB_DIR) },
            ),
        }
      : s,
  );
}
