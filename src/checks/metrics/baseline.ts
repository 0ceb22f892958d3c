import type { Operator } from '../../model/measurement.ts';
import type { MetricBaseline, MetricCheck } from '../../model/metrics.ts';
import type { PointJudge } from './evaluate-metric.ts';
import type { MetricVars } from './types.ts';

/** The baseline target a check compares against: its own `baseline.target`, else the stage's. */
export const baselineTargetOf = (check: Pick<MetricCheck, 'baseline'>, vars: MetricVars) =>
  check.baseline?.target ?? vars.baseline;

/** The baseline side's query template and variables: `{target}` is the baseline target there. */
export function baselineSide(
  check: Pick<MetricCheck, 'query' | 'baseline'>,
  vars: MetricVars,
  baselineTarget: string,
): { template: string; vars: MetricVars } {
  return {
    template: check.baseline?.query ?? check.query,
    vars: { ...vars, target: baselineTarget, baseline: baselineTarget },
  };
}

const FLIPPED: Record<Operator, Operator> = {
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
  '==': '==',
  '!=': '!=',
};

/**
 * How `all` and `any` pick a side's point in the baseline form. The compared value grows with the
 * canary and shrinks with the baseline, so the worst baseline point for `ratio <= 1.5` is its
 * lowest: the baseline side is judged with the operator turned round. `==` and `!=` have no
 * threshold per side and take the last point.
 */
export function sideJudge(baseline: MetricBaseline, role: 'canary' | 'baseline'): PointJudge {
  return { operator: role === 'canary' ? baseline.operator : FLIPPED[baseline.operator] };
}

/**
 * The value judged: canary ÷ baseline (`ratio`) or canary − baseline (`difference`). A ratio on a
 * baseline of 0 is 1 when the canary is 0 too and Infinity otherwise: an observed regression,
 * which fails, not a missing value.
 */
export function compareToBaseline(mode: MetricBaseline['mode'], canary: number, baseline: number): number {
  if (mode === 'difference') return canary - baseline;
  if (baseline === 0)
    return canary === 0 ? 1 : canary > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  return canary / baseline;
}

/** `canary 0.05, baseline 0.001`: both values, which the measurement's note states. */
export const baselineNote = (canary: number, baseline: number) =>
  `canary ${Number(canary.toPrecision(6))}, baseline ${Number(baseline.toPrecision(6))}`;
