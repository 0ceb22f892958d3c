import type { SignoffItem } from '../model/governance.ts';
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

/**
 * Declares a checklist item only a person can attest; a gate of `stage` holds until it is signed
 * for the release with `rollgate sign <stage> "<title>" --by <name>`.
 * @example signoffs: [manual('Security team approval', { stage: 'production', role: 'security' })]
 */
export function manual(
  title: string,
  options: { stage: string; role?: string; reason?: string },
): SignoffItem {
  return { title, stage: options.stage, role: options.role, reason: options.reason };
}
