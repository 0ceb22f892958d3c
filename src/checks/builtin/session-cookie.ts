import type { TargetDeclaration } from '../authoring/target-context.ts';
import { checkSessionCookies } from '../probes/form-session.ts';
import { formLogin, securityOf, timeoutOf } from './policy.ts';
import { type BuiltinAssessment, type BuiltinRun, targetRequester } from './run.ts';

/**
 * `security/session-cookie`: logs in through the target's form (its own login, so the cookies it
 * sets are seen) and holds them to HttpOnly, SameSite and Secure on HTTPS.
 */
export async function checkLoginCookies(
  declaration: TargetDeclaration,
  run: BuiltinRun,
): Promise<BuiltinAssessment> {
  const s = securityOf(declaration);
  const login = formLogin(declaration, run.env, s.csrfProbe?.tokenField);
  return checkSessionCookies(run.baseURL, login, {
    request: targetRequester(declaration, run),
    ...timeoutOf(run),
  });
}
