import type { TargetDeclaration } from '../authoring/target-context.ts';
import { describeFindings, scanSecrets } from '../secrets/secret-scan.ts';
import type { BuiltinAssessment, BuiltinRun } from './run.ts';

/**
 * `hygiene/secret-scan`: the config files the deployment ships with (`configFiles`) hold no
 * credential, beside the accepted findings (`secretAllowlist`) and with the target's own
 * `secretPatterns`. Findings carry masked excerpts only; the evidence lists them all.
 */
export async function checkSecretScan(
  declaration: TargetDeclaration,
  run: BuiltinRun,
): Promise<BuiltinAssessment> {
  const scan = await scanSecrets({
    files: declaration.configFiles,
    root: run.root,
    allowlist: declaration.secretAllowlist,
    patterns: declaration.secretPatterns,
  });
  const { files, findings, allowed } = scan;
  return {
    subject: `secret scan of ${files.length} config file${files.length === 1 ? '' : 's'}`,
    rules: [{ rule: 'secret-findings', passed: findings.length === 0, seen: findings.length, expected: 0 }],
    measurements: [scan.measurement],
    evidence: [
      {
        name: 'secret-scan.json',
        contentType: 'application/json',
        body: JSON.stringify({ files, findings, allowed }, null, 2),
      },
    ],
    ...(findings.length ? { message: describeFindings(findings) } : {}),
  };
}
