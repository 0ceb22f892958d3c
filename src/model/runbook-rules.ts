import type { z } from 'zod';

/**
 * Rules across a runbook's fields that make it unable to ever pass: references to stages that do
 * not exist, and budgets no measurement can meet (a negative latency, an error rate above 1).
 * Pure: files on disk are checked in the config layer.
 */

export interface RuleIssue {
  path: (string | number)[];
  message: string;
}

interface BudgetLike {
  name: string;
  value: number;
  unit?: string;
  metric?: string;
}

interface RunbookLike {
  stages: Record<string, { budgets: BudgetLike[]; requires?: RequiresLike; drill?: unknown }>;
  budgets: BudgetLike[];
}

interface RequiresLike {
  stages: { stage: string }[];
  drill?: { stage: string };
  watch?: { stage: string };
}

const DURATION_UNITS = new Set(['ms', 's', 'sec', 'seconds', 'm', 'min', 'minutes', 'h', 'hours']);
/** Name words that mean a duration: latencies, web-vitals timings, recovery times, ages. */
const DURATION_WORDS =
  /^(latency|duration|time|ttfb|fcp|lcp|inp|p50|p90|p95|p99|median|rto|rpo|age|ms|seconds)$/;
const FRACTION_UNITS = new Set(['ratio', 'fraction']);

const words = (name: string) => name.toLowerCase().split(/[^a-z0-9]+/);

/** A budget measured as a time: by its unit, its load metric, or a word of its name. */
export function isDurationBudget(b: BudgetLike): boolean {
  if (b.unit) return DURATION_UNITS.has(b.unit.toLowerCase());
  if (b.metric && /^p\d+$/.test(b.metric)) return true;
  return words(b.name).some((w) => DURATION_WORDS.test(w));
}

/**
 * A budget measured as a fraction between 0 and 1 (0.005 = 0.5%): an error-rate metric, a
 * ratio unit, or a unitless name with the word rate or ratio (`error-rate`, `success-rate`).
 * Throughput ("requests per second") is a rate but not a fraction.
 */
export function isFractionBudget(b: BudgetLike): boolean {
  if (b.metric) return b.metric === 'error-rate';
  if (b.unit) return FRACTION_UNITS.has(b.unit.toLowerCase());
  const w = words(b.name);
  if (w.some((x) => /^(throughput|rps|per|second|requests)$/.test(x))) return false;
  return w.some((x) => x === 'rate' || x === 'ratio');
}

/** Budgets no measurement can meet: a rate outside 0–1, a percentage outside 0–100, a negative duration. */
export function budgetIssues(budgets: readonly BudgetLike[], at: (string | number)[]): RuleIssue[] {
  const out: RuleIssue[] = [];
  budgets.forEach((b, i) => {
    const path = [...at, 'budgets', i, 'value'];
    if (isFractionBudget(b) && (b.value < 0 || b.value > 1)) {
      const hint = b.value > 1 && b.value <= 100 ? ` (${b.value}% is ${b.value / 100})` : '';
      out.push({
        path,
        message: `budget "${b.name}" is a rate, a fraction between 0 and 1 (0.005 = 0.5%), got ${b.value}${hint}; no measured rate can be outside 0–1`,
      });
    } else if (b.unit === '%' && (b.value < 0 || b.value > 100)) {
      out.push({ path, message: `budget "${b.name}" is a percentage and must be 0–100, got ${b.value}` });
    } else if (isDurationBudget(b) && b.value < 0) {
      out.push({
        path,
        message: `budget "${b.name}" is a duration${b.unit ? ` in ${b.unit}` : ''} and cannot be negative, got ${b.value}; no measured time is below 0`,
      });
    }
  });
  return out;
}

/** Every stage a stage refers to (requires.stages, .drill, .watch) must exist. */
function stageReferenceIssues(rb: RunbookLike): RuleIssue[] {
  const names = Object.keys(rb.stages);
  const unknown = (stage: string, path: (string | number)[]): RuleIssue[] =>
    rb.stages[stage]
      ? []
      : [{ path, message: `"${stage}" is not a stage of this runbook (stages: ${names.join(', ')})` }];
  // Only a stage that runs a drill can vouch for one: any other stage's PROMOTE would do otherwise.
  const drillStage = (stage: string, path: (string | number)[]): RuleIssue[] =>
    !rb.stages[stage] || rb.stages[stage].drill
      ? unknown(stage, path)
      : [
          {
            path,
            message: `"${stage}" runs no drill (it has no \`drill\` section), so its PROMOTE proves no restore: name the stage that drills (stages with a drill: ${
              Object.keys(rb.stages)
                .filter((n) => rb.stages[n]!.drill)
                .join(', ') || 'none'
            })`,
          },
        ];
  return Object.entries(rb.stages).flatMap(([name, stage]) => {
    const req = stage.requires;
    if (!req) return [];
    const base = ['stages', name, 'requires'];
    return [
      ...req.stages.flatMap((r, i) => unknown(r.stage, [...base, 'stages', i, 'stage'])),
      ...(req.drill ? drillStage(req.drill.stage, [...base, 'drill', 'stage']) : []),
      ...(req.watch ? unknown(req.watch.stage, [...base, 'watch', 'stage']) : []),
    ];
  });
}

/** Every rule issue of a parsed runbook, in field order, for the diagnostics collector. */
export function runbookRuleIssues(rb: RunbookLike): RuleIssue[] {
  return [
    ...stageReferenceIssues(rb),
    ...budgetIssues(rb.budgets, []),
    ...Object.entries(rb.stages).flatMap(([name, st]) => budgetIssues(st.budgets, ['stages', name])),
  ];
}

/** Adds the rule issues to a zod refinement context. */
export function addRuleIssues(rb: RunbookLike, ctx: z.RefinementCtx): void {
  for (const issue of runbookRuleIssues(rb)) ctx.addIssue({ code: 'custom', ...issue });
}
