/**
 * `rollgate/vitest`: `check()` for runbook suites. A check is a vitest test that records
 * measurements and evidence, and errors (never passes) when it could not observe.
 */

/**
 * vitest's own `describe`, `expect` and hooks, from the vitest rollgate runs: import them from here,
 * so a project with its own vitest never mixes two copies in one suite.
 */
export { afterAll, afterEach, beforeAll, beforeEach, describe, expect } from 'vitest';
export type { CheckApi } from '../checks/authoring/check-api.ts';
export { CheckFailure, ObservationError } from '../checks/authoring/errors.ts';
export { placeholder } from '../checks/authoring/placeholder-vitest.ts';
/** Internal: the attachment key a check's record travels under (rollgate's own fixtures use it). */
export { RECORD_KEY } from '../checks/authoring/record.ts';
export { type TargetContext, targetContext } from '../checks/authoring/target-context.ts';
export { type CheckOptions, check, type VitestCheckApi } from '../checks/authoring/vitest.ts';
