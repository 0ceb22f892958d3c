import type { CheckResult } from '../../model/check-result.ts';
import type { RunOverrides } from '../../model/overrides.ts';
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
    const measured = checks.some((c) =>
      c.measurements.some((m) => m.name === b.name || m.name.startsWith(`${b.name} `)),
    );
    if (measured) return [];
    return [
      harnessCheck(`run/budget-${b.name}`, `--budget ${b.name} is measured by a check of this stage`, {
        suite: 'run',
        status: 'errored',
        code: 'ROLLGATE_BUDGET_UNMEASURED',
        message: `--budget ${b.name} ${b.operator} ${b.value}${b.unit ? ` ${b.unit}` : ''}: no check of this stage measured ${b.name}, so the budget judged nothing (measurements named ${b.name} come from ${hint(b.name)})`,
      }),
    ];
  });
}

function hint(name: string): string {
  if (/latency|p\d\d|error-rate|throughput|requests/.test(name)) return "the stage's load profile";
  if (/^(fcp|lcp|cls|ttfb|inp)$/.test(name)) return 'web vitals in a golden path';
  return 'a check that measures it';
}
