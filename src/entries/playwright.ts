/**
 * `rollgate/playwright`: `test` (Playwright's, with a `check` fixture and the stage's base URL) and
 * `expect` for golden paths, and web-vitals measurement in a page.
 */

export type { CheckApi } from '../checks/authoring/check-api.ts';
export { CheckFailure, ObservationError } from '../checks/authoring/errors.ts';
export { placeholder } from '../checks/authoring/placeholder-playwright.ts';
export { expect, type PlaywrightCheckApi, test } from '../checks/authoring/playwright.ts';
export { type TargetContext, targetContext } from '../checks/authoring/target-context.ts';
export {
  type MeasureVitalsOptions,
  measuredVitals,
  measureVitals,
  requireVitals,
  type VitalName,
  type VitalReport,
  type VitalsRun,
} from '../checks/probes/web-vitals.ts';
