import type { TargetDeclaration } from '../authoring/target-context.ts';
import { combine } from '../probes/assessment.ts';
import { checkSecurityHeaders } from '../probes/security-headers.ts';
import { securityOf, timeoutOf } from './policy.ts';
import { type BuiltinAssessment, type BuiltinRun, targetRequester } from './run.ts';

/**
 * `security/headers`: every page of `security.headerPaths` held to the header policy, each rule as
 * `security.headerRules` says (required, advisory, or allowed values with a reason); one failure
 * names every broken rule on every page. Signed in with `headersSignedIn`.
 */
export async function checkHeaderPolicy(
  declaration: TargetDeclaration,
  run: BuiltinRun,
): Promise<BuiltinAssessment> {
  const s = securityOf(declaration);
  const request = targetRequester(declaration, run, s.headersSignedIn, 'the security-header check');
  const parts = [];
  for (const path of s.headerPaths ?? [])
    parts.push([
      path,
      await checkSecurityHeaders(run.baseURL + path, { request, policy: s.headerRules, ...timeoutOf(run) }),
    ] as const);
  return combine('security headers', parts);
}
