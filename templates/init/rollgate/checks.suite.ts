import { placeholder } from 'rollgate/vitest';

/**
 * The app's own checks for staging, canary and production, run by vitest inside a gate. Health
 * and the deployed version are built-in checks (`checks: ['health', 'version']` in
 * rollgate.runbook.ts, from the target's `health` and `version`): no code. What only your app
 * knows goes here. Replace the placeholder with the real check; a placeholder always errors
 * (ROLLGATE_PLACEHOLDER) and holds.
 *
 * The real code, for an API route answering `{"items": [...]}`:
 *
 *   import { jsonBody, probe } from 'rollgate/checks';
 *   import { check } from 'rollgate/vitest';
 *
 *   check(
 *     'the catalogue lists its items',
 *     async ({ context, require }) => {
 *       const res = await probe(`${context.baseURL}/api/items`, { timeoutMs: 5000 });
 *       require({ name: 'status', operator: '==', expected: 200 }, res.status);
 *       const { items } = jsonBody(res) as { items?: unknown[] };
 *       require({ name: 'items', operator: '>', expected: 0 }, items?.length ?? 0);
 *     },
 *     { id: 'app/main' },
 *   );
 *
 * A connection refused or a timeout errors the check (the target could not be observed); a rule
 * `require()` finds broken fails it. Either holds the stage.
 */

placeholder(
  'the main route answers as it should',
  'request a route only your app has and require what it must answer (health and version are built-in)',
  { id: 'app/main' },
);
