import { placeholder } from 'rollgate/vitest';

/**
 * Preflight: what a deployment needs before any traffic reaches it. Replace each placeholder with
 * the real check; a placeholder always errors (ROLLGATE_PLACEHOLDER) and holds.
 *
 * The real code, with `requiredEnv` and `configFiles` declared on the target in rollgate.runbook.ts:
 *
 *   import { CheckFailure, check, ObservationError } from 'rollgate/vitest';
 *   import { describeFindings, scanSecrets, secretsPresent } from 'rollgate/checks';
 *
 *   check(
 *     'required environment is present',
 *     ({ context, record }) => {
 *       // Names only, never values; one sample per name, so an empty requiredEnv is no data, not a pass.
 *       const { missing, measurement } = secretsPresent(context.target.requiredEnv);
 *       record(measurement);
 *       if (missing.length) throw new CheckFailure(`not set: ${missing.join(', ')}`);
 *       if (!measurement.passed) throw new ObservationError('declare requiredEnv on the target');
 *     },
 *     { id: 'preflight/required-env' },
 *   );
 *
 *   check(
 *     'no credentials in the config files the deployment ships',
 *     async ({ context }) => {
 *       const { configFiles, secretAllowlist, secretPatterns } = context.target;
 *       const scan = await scanSecrets({ files: configFiles, allowlist: secretAllowlist, patterns: secretPatterns });
 *       if (scan.findings.length) throw new CheckFailure(describeFindings(scan.findings));
 *     },
 *     { id: 'preflight/secret-scan' },
 *   );
 */

placeholder(
  'required environment is present',
  'list the variables a deployment needs in targets.app.requiredEnv (rollgate.runbook.ts) and require secretsPresent(context.target.requiredEnv).missing to be empty',
  { id: 'preflight/required-env' },
);

placeholder(
  'no credentials in the config files the deployment ships',
  "list the deployment's config files in targets.app.configFiles and fail on scanSecrets() findings",
  { id: 'preflight/secret-scan' },
);
