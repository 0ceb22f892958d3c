/**
 * `rollgate`: declaring a runbook (`defineRunbook`, `manual`, `defineLoadProfile`), the budget
 * evaluator, the errors a check throws, and the zod schemas of every contract rollgate writes or
 * reads (runbook, verdict, ledger entry, backup manifest, a shard's result) with their types.
 */

export { CheckFailure, ObservationError } from '../checks/authoring/errors.ts';
export { type TargetContext, targetContext } from '../checks/authoring/target-context.ts';
export { BackupManifest } from '../checks/backup/manifest.ts';
export { type BudgetSpec, describeMeasurement, evaluate } from '../checks/budget.ts';
export { defineLoadProfile, LoadProfile } from '../checks/load/profile.ts';
export { defineRunbook, manual } from '../config/define-runbook.ts';
export { CheckResult, CheckStatus } from '../model/check-result.ts';
export { Evidence } from '../model/evidence.ts';
export type * from '../model/index.ts';
export { LedgerEntry } from '../model/ledger-entry.ts';
export { Measurement, Operator } from '../model/measurement.ts';
export { Budget, Embedded, Runbook, Stage, Target } from '../model/runbook.ts';
export { ShardResult, ShardSpec } from '../model/shard.ts';
export { Verdict } from '../model/verdict.ts';
