import { ObservationError } from '../authoring/errors.ts';
import type { TargetDeclaration } from '../authoring/target-context.ts';
import { checkCsrf } from '../probes/csrf.ts';
import { formLogin, securityOf, timeoutOf } from './policy.ts';
import { type BuiltinAssessment, type BuiltinRun, targetRequester } from './run.ts';

/**
 * `security/csrf`: logged in through the target's form, a POST to the probe endpoint without the
 * token must be refused, and with the session's token accepted (the control).
 */
export async function checkCsrfProbe(
  declaration: TargetDeclaration,
  run: BuiltinRun,
): Promise<BuiltinAssessment> {
  const { csrfProbe } = securityOf(declaration);
  if (!csrfProbe) throw new ObservationError('the target declares no security.csrfProbe', 'ROLLGATE_CONFIG');
  const login = formLogin(declaration, run.env, csrfProbe.tokenField);
  return checkCsrf(
    run.baseURL,
    { ...csrfProbe, login },
    { request: targetRequester(declaration, run), ...timeoutOf(run) },
  );
}
