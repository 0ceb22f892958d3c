import { ObservationError } from '../authoring/errors.ts';
import type { TargetDeclaration } from '../authoring/target-context.ts';
import { checkRateLimit } from '../probes/rate-limit.ts';
import { securityOf, timeoutOf } from './policy.ts';
import { type BuiltinAssessment, type BuiltinRun, targetRequester } from './run.ts';

/** `security/rate-limit`: more requests than the declared limit get 429 with Retry-After. */
export async function checkDeclaredRateLimit(
  declaration: TargetDeclaration,
  run: BuiltinRun,
): Promise<BuiltinAssessment> {
  const { rateLimit } = securityOf(declaration);
  if (!rateLimit) throw new ObservationError('the target declares no security.rateLimit', 'ROLLGATE_CONFIG');
  return checkRateLimit(run.baseURL, rateLimit, {
    request: targetRequester(declaration, run),
    ...timeoutOf(run),
  });
}
