import type { CheckResult } from '../model/check-result.ts';
import type { Measurement } from '../model/measurement.ts';
import { outcomeOf } from '../model/measurement.ts';

/**
 * Why a check did not pass, for the report's Categories tab. rollgate decides it when it writes a
 * result (the `rollgate-category` label) and the report's category rules only read that label, so
 * the classification is one function, tested, not a regex over messages.
 */
export type FailureCategory = 'budget-breach' | 'product-failure' | 'harness-error' | 'hold';

export const CATEGORY_LABEL = 'rollgate-category';

/** The names shown in the report, in its order. */
export const CATEGORY_NAMES: Record<FailureCategory, string> = {
  'budget-breach': 'Budget breaches',
  'product-failure': 'Product failures',
  'harness-error': 'Harness or environment errors',
  hold: 'HOLD verdicts',
};

const ORDERING = new Set(['<', '<=', '>', '>=']);

/**
 * A budget or metric rule: a number held to a limit (`p95-latency <= 500 ms`, `error-rate < 0.5`,
 * `audit-high <= 0`), or any measurement of a load or metric check. An equality (`version ==
 * 0.1.0`) is an assertion about the product, not a budget.
 */
function isBudgetRule(c: CheckResult, m: Measurement): boolean {
  if (c.kind === 'load' || c.kind === 'metrics') return true;
  return ORDERING.has(m.operator) && typeof m.expected === 'number';
}

/**
 * errored (Allure's `broken`): the harness or the environment could not observe the target;
 * failed with a budget or metric rule that was measured and broke: a budget breach; any other
 * failure: a product failure. Checks that passed, were skipped or waived have no category.
 */
export function categoryOf(c: CheckResult): FailureCategory | undefined {
  if (c.status === 'errored') return 'harness-error';
  if (c.status !== 'failed') return undefined;
  const breached = c.measurements.some((m) => outcomeOf(m) === 'fail' && isBudgetRule(c, m));
  return breached ? 'budget-breach' : 'product-failure';
}

/**
 * Allure 3's `categories` config: one rule per category, matched on rollgate's label. Allure
 * appends its own "Product errors" and "Test errors" after these; every failed or broken result
 * rollgate writes carries the label, so those stay empty.
 */
export function categoryRules() {
  return (Object.keys(CATEGORY_NAMES) as FailureCategory[]).map((id) => ({
    id: `rollgate-${id}`,
    name: CATEGORY_NAMES[id],
    matchers: { labels: { [CATEGORY_LABEL]: `^${id}$` } },
    groupByMessage: false,
    expand: true,
  }));
}
