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
