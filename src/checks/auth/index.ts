import { ObservationError } from '../authoring/errors.ts';
import { type TargetContext, targetContext } from '../authoring/target-context.ts';
import { createTargetClient, type TargetClient } from '../probes/http-target.ts';
import { readRunSession } from './session.ts';

export { readRunSession, readSession, sessionHeaders, TargetSession } from './session.ts';
export {
  readStorageState,
  type StorageState,
  storageStateFile,
  storageStateOf,
  writeSessionFiles,
} from './session-files.ts';
export { bodyExcerpt, type SignedIn, SignInError, type SignInOptions, signIn } from './sign-in.ts';

/**
 * The target's client signed in with the run's session: every request carries the session's
 * headers over the target's declared ones (`http.headers`, CA bundle). For a suite:
 * `const { request } = signedInClient(context)`. No session (a target without `auth`, a sign-in
 * that failed, a session file missing or corrupt) is an ObservationError, ROLLGATE_NOT_SIGNED_IN:
 * the check is errored, never sent anonymous.
 * @example const res = await signedInClient(context).request(`${context.baseURL}/account`)
 */
export function signedInClient(
  context: Pick<TargetContext, 'target' | 'sessionFile'> = targetContext(),
  env: NodeJS.ProcessEnv = process.env,
): TargetClient {
  if (!context.sessionFile)
    throw new ObservationError(
      context.target.auth
        ? 'no session file: the run did not sign in (see the auth/sign-in check)'
        : "the target declares no auth, so there is no session to sign requests with: declare the target's auth (docs/signing-in.md)",
      'ROLLGATE_NOT_SIGNED_IN',
    );
  return createTargetClient(context.target.http, env, readRunSession(context.sessionFile, 'signedInClient'));
}
