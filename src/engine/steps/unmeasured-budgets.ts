import type { CheckResult } from '../../model/check-result.ts';
import type { RunOverrides } from '../../model/overrides.ts';
import type { Budget } from '../../model/runbook.ts';
import { harnessCheck } from '../harness-check.ts';

/**
 * A `--budget` asked for on the command line that no check of the run measured: an errored check
 * (`run/budget-<name>`), never a silent pass. Runbook budgets are declared once for every stage and
 * many stages measure only some of them; a budget given for this one run was meant to be judged.
 */
export function unmeasuredBudgets(
  overrides: RunOverrides | undefined,
  checks: readonly CheckResult[],
): CheckResult[] {
  return (overrides?.budgets ?? []).flatMap((b) => {
    const named = checks.flatMap((c) =>
      c.measurements
        .filter((m) => m.name === b.name || m.name.startsWith(`${b.name} `))
        .map((m) => ({ check: c.id, m })),
    );
    // Judged by the flag only where a measurement was held to the flag's own terms.
    if (named.some(({ m }) => m.operator === b.operator && m.expected === b.value)) return [];
    const terms = `${b.operator} ${b.value}${b.unit ? ` ${b.unit}` : ''}`;
    const message = named.length
      ? `--budget ${b.name} ${terms}: ${b.name} was measured by ${[...new Set(named.map((n) => n.check))].join(', ')} against its own declaration (${named[0]!.m.operator} ${named[0]!.m.expected}), not by this budget: change that declaration instead`
      : `--budget ${b.name} ${terms}: no check of this stage measured ${b.name}, so the budget judged nothing (measurements named ${b.name} come from ${hint(b.name)})`;
    return [
      harnessCheck(`run/budget-${b.name}`, `--budget ${b.name} is judged by a check of this stage`, {
        suite: 'run',
        status: 'errored',
        code: 'ROLLGATE_BUDGET_UNMEASURED',
        message,
      }),
    ];
  });
}

function hint(name: string): string {
  if (/latency|p\d\d|error-rate|throughput|requests/.test(name)) return "the stage's load profile";
  if (/^(fcp|lcp|cls|ttfb|inp)$/.test(name)) return 'web vitals in a golden path';
  return 'a check that measures it';
}

/** The measurements of the run that a budget of this name judges. */
const measuring = (name: string, checks: readonly CheckResult[]) =>
  checks.some((c) => c.measurements.some((m) => m.name === name || m.name.startsWith(`${name} `)));

/**
 * A budget the stage declares itself (not one declared once for every stage) that no check of the
 * run measured: an errored check (`stage/budget-<name>`), never ignored. Runbook-wide budgets are
 * judged only where a stage measures them; a stage naming a budget says it must be judged there.
 */
export function unmeasuredStageBudgets(
  stage: string,
  own: readonly Budget[],
  checks: readonly CheckResult[],
): CheckResult[] {
  return own
    .filter((b) => !measuring(b.name, checks))
    .map((b) =>
      harnessCheck(`stage/budget-${b.name}`, `budget ${b.name} is judged by a check of this stage`, {
        suite: 'run',
        status: 'errored',
        code: 'ROLLGATE_BUDGET_UNMEASURED',
        message: `stage "${stage}" declares the budget ${b.name} ${b.operator} ${b.value}${b.unit ? ` ${b.unit}` : ''}, but no check of this run measured ${b.name} (measurements named ${b.name} come from ${hint(b.name)}): add what measures it, or move the budget to the runbook's budgets if this stage does not judge it`,
      }),
    );
}

/** The budgets a stage declares itself: its merged budgets less the runbook's, compared by value. */
export function ownBudgets(stage: readonly Budget[], runbook: readonly Budget[]): Budget[] {
  const wide = new Set(runbook.map((b) => JSON.stringify(b)));
  return stage.filter((b) => !wide.has(JSON.stringify(b)));
}
