import type { LoadProfile } from '../checks/load/profile.ts';
import { checkStageProfiles } from '../checks/load/stage-profiles.ts';
import { RollgateError } from '../config/errors.ts';
import { resolveGate } from '../config/options.ts';
import { planGuards } from '../engine/guards/plan-guards.ts';
import { planBuiltins, planMetrics, planStage } from '../engine/plan.ts';
import { prepareLoad } from '../engine/steps/load-stage.ts';
import { formatDuration } from '../model/governance.ts';
import { type Cli, overrideFlags } from './args.ts';
import { load, stageArg } from './common.ts';

const NO_RELEASE = '(not given: a gate needs --release <version> or ROLLGATE_RELEASE)';

/** Prints what a gate would run, resolved with the same precedence, without touching the target. */
export async function planCommand(cli: Cli): Promise<number> {
  const stageName = stageArg(cli, 'plan');
  const loaded = await load(cli);
  const flags = {
    baseUrl: cli.values['base-url'],
    baselineUrl: cli.values['baseline-url'],
    release: cli.values.release,
    timeoutMs: cli.values.timeout,
    ...overrideFlags(cli.values),
  };
  // A plan runs nothing, so it needs no release: it says the gate will ask for one.
  let gate: ReturnType<typeof resolveGate>;
  try {
    gate = resolveGate(loaded.runbook, stageName, flags);
  } catch (e) {
    if (!(e instanceof RollgateError) || e.code !== 'ROLLGATE_RELEASE_REQUIRED') throw e;
    gate = resolveGate(loaded.runbook, stageName, { ...flags, release: NO_RELEASE });
  }
  // The stage's load profile is loaded and refused (exit 2) exactly as the gate would refuse it.
  const profile = await prepareLoad(
    gate.stage,
    stageName,
    [gate.baseURL, gate.baseline?.baseURL],
    process.cwd(),
  );
  const plan = await planStage(process.cwd(), gate.stage, process.env);
  // The sign-in (when the target declares auth) and the built-in checks run in the engine, first,
  // from the target's declaration: listed with their ids.
  const builtins = planBuiltins(gate.stage, gate.target, gate.targetName);
  const out = {
    runbook: loaded.runbook.name,
    file: loaded.file,
    stage: stageName,
    target: {
      name: gate.targetName,
      baseURL: gate.baseURL ?? '(embedded: started by rollgate)',
      release: gate.release,
      sources: gate.sources,
    },
    baseline: gate.baseline && {
      name: gate.baseline.targetName,
      baseURL: gate.baseline.baseURL ?? '(embedded: started by rollgate)',
    },
    load: gate.stage.load && {
      ...gate.stage.load,
      name: profile?.name,
      endpoints: profile?.endpoints.map((e) => e.name),
      connections: profile?.connections,
      arrivalRate: profile?.arrivalRate,
      durationMs: profile?.duration,
      warmupMs: profile?.warmup,
    },
    timeoutMs: gate.timeoutMs,
    budgets: gate.stage.budgets,
    checks: [
      ...builtins,
      ...plan.checks,
      ...planMetrics(gate.stage, gate.targetName, loaded.runbook.providers),
      // Maintenance mode and the availability loop: checks of the stage itself, judged by the engine.
      ...planGuards(gate.stage),
    ],
    problems: plan.problems,
  };
  if (cli.values.json) {
    console.log(JSON.stringify(out, null, 2));
  } else {
    console.log(`${out.runbook}/${stageName} from ${out.file}`);
    console.log(
      `  target ${gate.targetName}: ${out.target.baseURL}, release ${gate.release}${gate.release === NO_RELEASE ? '' : ` (from ${gate.sources.release})`}`,
    );
    console.log(
      `  deadline ${gate.timeoutMs} ms; retries ${gate.stage.retries}; flaky → ${gate.stage.flaky}`,
    );
    const w = gate.stage.watch;
    if (w)
      console.log(
        `  watch every ${formatDuration(w.interval)} for ${formatDuration(w.duration)}; failure limit ${w.failureLimit}${w.consecutiveSuccessLimit ? `; ${w.consecutiveSuccessLimit} passes in a row end it` : ''}`,
      );
    if (out.baseline) console.log(`  baseline ${out.baseline.name}: ${out.baseline.baseURL}`);
    if (out.load) {
      const c = out.load.compare;
      console.log(
        `  load ${out.load.profile} (engine ${out.load.engine})${out.baseline ? `, interleaved against the baseline: ${c.slices} slices of ${c.sliceMs} ms a side, confidence ${c.confidence}, median ≤ ×${c.medianRatio} or +${c.medianDeltaMs} ms` : ''}`,
      );
      if (profile) console.log(`    ${describeProfile(profile)}`);
    }
    for (const b of gate.stage.budgets)
      console.log(`  budget ${b.name} ${b.operator} ${b.value}${b.unit ? ` ${b.unit}` : ''}`);
    for (const c of out.checks)
      console.log(`  ${c.blocking ? 'blocking' : 'advisory'} ${c.kind.padEnd(10)} ${c.id}  ${c.title}`);
    for (const p of plan.problems) console.log(`  PROBLEM ${p.suite}: ${p.message}`);
  }
  return plan.problems.length ? 1 : 0;
}

/** `profile canary: 2 endpoint(s), 50 req/s over at most 5 connections, 4000 ms after a 1000 ms warm-up`. */
function describeProfile(p: LoadProfile): string {
  const model = p.arrivalRate
    ? `${p.arrivalRate} req/s over at most ${p.connections} connections`
    : `${p.connections} connections`;
  const warmup = p.warmup ? ` after a ${p.warmup} ms warm-up` : '';
  return `profile ${p.name}: ${p.endpoints.length} endpoint(s), ${model}, ${p.duration} ms${warmup}`;
}

/**
 * Validates the runbook and every stage's load profile (schema, and that the profile allows the
 * stages loading it), so a profile a gate would refuse is refused here, with the same code.
 */
export async function validateCommand(cli: Cli): Promise<number> {
  const loaded = await load(cli);
  const rb = loaded.runbook;
  const stages = Object.keys(rb.stages);
  const profiles = await checkStageProfiles(rb.stages, stages, process.cwd());
  const msg = `${loaded.file}: valid runbook "${rb.name}" with stages ${stages.join(', ')}`;
  // Each stage's built-in checks by id (the schema made sure each target declares what they need).
  const builtins = Object.fromEntries(
    stages.flatMap((name) => {
      const stage = rb.stages[name]!;
      const ids = planBuiltins(stage, rb.targets[stage.target]!)
        .filter((c) => c.kind === 'builtin')
        .map((c) => c.id);
      return ids.length ? [[name, ids]] : [];
    }),
  );
  console.log(
    cli.values.json
      ? JSON.stringify({
          valid: true,
          file: loaded.file,
          stages,
          loadProfiles: profiles.map((p) => ({ file: p.file, name: p.profile.name, stages: p.stages })),
          ...(Object.keys(builtins).length ? { builtins } : {}),
        })
      : [msg, ...Object.entries(builtins).map(([s, ids]) => `  ${s}: built-in ${ids.join(', ')}`)].join('\n'),
  );
  return 0;
}
