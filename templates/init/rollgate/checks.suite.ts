import { placeholder } from 'rollgate/vitest';

/**
 * The app's checks for staging, canary and production, run by vitest inside a gate. Replace each
 * placeholder with the real check; a placeholder always errors (ROLLGATE_PLACEHOLDER) and holds.
 *
 * The real code, for a health endpoint answering 200 and a version endpoint answering
 * `{"version": "1.4.2"}`, the paths declared on the target in rollgate.runbook.ts:
 *
 *   import { jsonBody, probe } from 'rollgate/checks';
 *   import { check } from 'rollgate/vitest';
 *
 *   check(
 *     'health endpoint answers 200',
 *     async ({ context, require }) => {
 *       const res = await probe(context.baseURL + context.target.health!.simple, { timeoutMs: 5000 });
 *       require({ name: 'status', operator: '==', expected: 200 }, res.status);
 *       require({ name: 'latency', operator: '<=', expected: 1000, unit: 'ms' }, Math.round(res.durationMs));
 *     },
 *     { id: 'app/health' },
 *   );
 *
 *   check(
 *     'deployed version equals the release under test',
 *     async ({ context, require }) => {
 *       const res = await probe(context.baseURL + context.target.versionPath, { timeoutMs: 5000 });
 *       require({ name: 'status', operator: '==', expected: 200 }, res.status);
 *       const { version } = jsonBody(res) as { version?: string };
 *       require({ name: 'version', operator: '==', expected: context.release }, version);
 *     },
 *     { id: 'app/version' },
 *   );
 *
 * A connection refused or a timeout errors the check (the target could not be observed); a rule
 * `require()` finds broken fails it. Either holds the stage.
 */

placeholder('health endpoint answers 200', 'GET your health endpoint and require 200', { id: 'app/health' });

placeholder(
  'deployed version equals the release under test',
  'GET your version endpoint and require its version to equal context.release (the release under test)',
  { id: 'app/version' },
);
