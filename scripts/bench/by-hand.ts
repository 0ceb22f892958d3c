import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LoadProfile } from '../../src/checks/load/index.ts';
import type { ResolvedGate } from '../../src/config/options.ts';
import { withoutColour } from '../../src/engine/children.ts';
import { stageContext } from '../../src/engine/context.ts';
import { playwrightInvocation, runnerCli, vitestInvocation } from '../../src/engine/run-config/invocation.ts';
import { runLoadCheck } from '../../src/engine/steps/load-stage.ts';
import { startStageTargets } from '../../src/engine/targets.ts';
import { benchChildSet } from './demo.ts';
import type { Timed } from './results.ts';

export interface ByHandOptions {
  root: string;
  gate: ResolvedGate;
  profile: LoadProfile | undefined;
  say: (line: string) => void;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const tail = (text: unknown) =>
  String(text ?? '')
    .trim()
    .split('\n')
    .slice(-8)
    .join('\n');

/**
 * What a person does for a stage without rollgate, one step after another: start the demo (and
 * the baseline, when the stage has one), run the stage's vitest suites, then its Playwright specs,
 * with the context a gate would give them, then its load profile through the engine's load API,
 * then stop everything. Returns the wall time; throws when a step fails (that time means nothing).
 */
export async function stageByHand(o: ByHandOptions): Promise<Timed> {
  const { gate, root } = o;
  const stage = gate.stage;
  if (gate.baseURL || !gate.target.embedded)
    throw new Error(`stage ${gate.stageName}: the bench needs an embedded target (unset ROLLGATE_BASE_URL)`);
  const started = performance.now();
  const runId = `bench-${randomBytes(4).toString('hex')}`;
  const runDir = mkdtempSync(path.join(tmpdir(), 'rollgate-bench-run-'));
  const scratchDir = mkdtempSync(path.join(tmpdir(), 'rollgate-bench-scratch-'));
  mkdirSync(path.join(runDir, 'evidence'), { recursive: true });
  const children = benchChildSet(runId);
  const env: NodeJS.ProcessEnv = withoutColour(process.env);
  try {
    // The demo (and the baseline, when the stage has one), started as the engine starts them.
    const targets = await startStageTargets(gate, {
      root,
      env,
      vars: { runDir, scratchDir, restoredDatabaseUrl: '' },
      children,
      signal: new AbortController().signal,
    });
    if (targets.startError) throw new Error(targets.startError);
    const baseURL = targets.baseURL;
    o.say(
      `  by hand: demo at ${baseURL}${targets.baselineURL ? `, baseline at ${targets.baselineURL}` : ''}`,
    );
    const context = stageContext(gate, { baseURL, runId, runDir, scratchDir });
    const runEnv = {
      ...env,
      ...targets.targetEnv,
      ROLLGATE_CONTEXT: JSON.stringify(context),
      ROLLGATE_RUN_ID: runId,
    };
    const steps: string[] = [`targets ${secs(performance.now() - started)}`];
    const done = (label: string, t0: number) => {
      steps.push(`${label} ${secs(performance.now() - t0)}`);
      o.say(`  by hand: ${steps.at(-1)}`);
    };
    const step = async (label: string, file: string, args: string[], extra: Record<string, string> = {}) => {
      const t0 = performance.now();
      const r = await children.spawn(file, args, { cwd: root, env: { ...runEnv, ...extra } });
      if (r.exitCode !== 0)
        throw new Error(`${label} exited with ${r.exitCode ?? r.signal}:\n${tail(r.all)}`);
      done(label, t0);
    };
    if (stage.suites.length) {
      const filter = stage.suiteFilter ? ['-t', stage.suiteFilter] : [];
      const retry = stage.retries ? [`--retry=${stage.retries}`] : [];
      const inv = vitestInvocation(root, stage);
      await step(
        'vitest',
        process.execPath,
        [runnerCli('vitest'), 'run', ...inv.args, ...retry, ...stage.suites, ...filter],
        inv.env,
      );
    }
    if (stage.smoke) {
      const grep = stage.smoke.grep ? ['--grep', stage.smoke.grep] : [];
      const inv = playwrightInvocation(root, stage, { outputDir: path.join(runDir, 'playwright') });
      await step(
        'playwright',
        process.execPath,
        [runnerCli('playwright'), 'test', ...inv.args, ...stage.smoke.specs, ...grep],
        inv.env,
      );
    }
    if (o.profile) {
      // The engine's load step: the profile against the target (and the baseline, interleaved).
      const t0 = performance.now();
      const check = await runLoadCheck(stage, gate.stageName, o.profile, {
        baseURL,
        baselineURL: targets.baselineURL,
        env: runEnv,
        runDir,
      });
      if (check.status !== 'passed')
        throw new Error(`load ${o.profile.name}: ${check.status}: ${check.message}`);
      done(`load ${o.profile.name}`, t0);
    }
    const t0 = performance.now();
    await children.stopAll();
    steps.push(`stop ${secs(performance.now() - t0)}`);
    return { ms: performance.now() - started, note: steps.join(', ') };
  } finally {
    await children.stopAll();
    rmSync(runDir, { recursive: true, force: true });
    rmSync(scratchDir, { recursive: true, force: true });
  }
}
