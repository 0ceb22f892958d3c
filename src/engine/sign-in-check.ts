import type { Auth } from '../model/declarations.ts';

/** The id of the check signing in once for the run (when the target declares `auth`). */
export const SIGN_IN_CHECK = 'auth/sign-in';

/** Its title, the same in the plan and the verdict: `sign in to canary (form login, verified at /account)`. */
export const signInTitle = (targetName: string, auth: Pick<Auth, 'type' | 'verify'>): string =>
  `sign in to ${targetName} (${auth.type} login${auth.verify ? `, verified at ${auth.verify}` : ''})`;
