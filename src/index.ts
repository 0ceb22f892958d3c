/** Public API for runbook authors. */

export { type BudgetSpec, describeMeasurement, evaluate } from './checks/budget.ts';
export { CheckFailure, ObservationError } from './checks/errors.ts';
export { type HttpResult, jsonBody, probe } from './checks/http.ts';
export { type TargetContext, targetContext } from './checks/target-context.ts';
export { defineRunbook } from './config/define-runbook.ts';
export type * from './model/index.ts';
