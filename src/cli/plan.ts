import { resolveGate } from '../config/options.ts';
import { planStage } from '../engine/plan.ts';
import { formatDuration } from '../model/governance.ts';
import type { Cli } from './args.ts';
import { load, stageArg } from './common.ts';

/** Prints what a gate would run, resolved with the same precedence, without touching the target. */
export async function planCommand(cli: Cli): Promise<number> {
  const stageName = stageArg(cli, 'plan');
  const loaded = await load(cli);
  const gate = resolveGate(loaded.runbook, stageName, {
    baseUrl: cli.values['base-url'],
    baselineUrl: cli.values['baseline-url'],
    release: cli.values.release,
    timeoutMs: cli.values.timeout,
  });
  const plan = await planStage(process.cwd(), gate.stage, process.env);
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
    load: gate.stage.load,
    timeoutMs: gate.timeoutMs,
    budgets: gate.stage.budgets,
    checks: plan.checks,
    problems: plan.problems,
  };
  if (cli.values.json) {
    console.log(JSON.stringify(out, null, 2));
  } else {
    console.log(`${out.runbook}/${stageName} from ${out.file}`);
    console.log(
      `  target ${gate.targetName}: ${out.target.baseURL}, release ${gate.release} (from ${gate.sources.release})`,
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
    }
    for (const b of gate.stage.budgets)
      console.log(`  budget ${b.name} ${b.operator} ${b.value}${b.unit ? ` ${b.unit}` : ''}`);
    for (const c of plan.checks)
      console.log(`  ${c.blocking ? 'blocking' : 'advisory'} ${c.kind.padEnd(10)} ${c.id}  ${c.title}`);
    for (const p of plan.problems) console.log(`  PROBLEM ${p.suite}: ${p.message}`);
  }
  return plan.problems.length ? 1 : 0;
}

export async function validateCommand(cli: Cli): Promise<number> {
  const loaded = await load(cli);
  const rb = loaded.runbook;
  const msg = `${loaded.file}: valid runbook "${rb.name}" with stages ${Object.keys(rb.stages).join(', ')}`;
  console.log(
    cli.values.json
      ? JSON.stringify({ valid: true, file: loaded.file, stages: Object.keys(rb.stages) })
      : msg,
  );
  return 0;
}
