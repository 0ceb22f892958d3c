import { ObservationError } from '../authoring/errors.ts';
import type { TargetDeclaration } from '../authoring/target-context.ts';
import { checkJwks } from '../probes/jwks.ts';
import { timeoutOf } from './policy.ts';
import { type BuiltinAssessment, type BuiltinRun, targetRequester } from './run.ts';

/** `probes/jwks`: the declared JWKS serves a valid public key set, through the target's headers and CA. */
export async function checkDeclaredJwks(
  declaration: TargetDeclaration,
  run: BuiltinRun,
): Promise<BuiltinAssessment> {
  if (!declaration.jwksPath) throw new ObservationError('the target declares no jwksPath', 'ROLLGATE_CONFIG');
  return checkJwks(run.baseURL + declaration.jwksPath, {
    request: targetRequester(declaration, run),
    ...timeoutOf(run),
  });
}
