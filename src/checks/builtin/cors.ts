import type { TargetDeclaration } from '../authoring/target-context.ts';
import { checkCors } from '../probes/cors.ts';
import { securityOf, timeoutOf } from './policy.ts';
import { type BuiltinAssessment, type BuiltinRun, targetRequester } from './run.ts';

/** `security/cors`: the untrusted origin is not let in with credentials, on GET nor on a preflight. */
export async function checkCorsPolicy(
  declaration: TargetDeclaration,
  run: BuiltinRun,
): Promise<BuiltinAssessment> {
  const s = securityOf(declaration);
  return checkCors(run.baseURL + s.corsPath, {
    origin: s.corsUntrustedOrigin,
    request: targetRequester(declaration, run),
    ...timeoutOf(run),
  });
}
