import type { RunbookInput } from '../model/runbook.ts';

/**
 * Declares a runbook. An identity function (like Vitest's `defineConfig`): it exists for types and
 * editor help; validation happens when the runbook is loaded.
 * @example
 * export default defineRunbook({
 *   name: 'shop',
 *   targets: { canary: { baseURL: 'https://canary.shop.example' } },
 *   stages: { canary: { target: 'canary', suites: ['runbooks/probes.suite.ts'] } },
 * });
 */
export function defineRunbook<const T extends RunbookInput>(runbook: T): T {
  return runbook;
}
