import type { CheckResult } from '../../model/check-result.ts';
import type { Step } from './step.ts';

/** What signing in once for the run produced. */
export interface SignIn {
  /** The session file (TargetSession JSON in the scratch folder), when the login worked. */
  sessionFile?: string;
  /** Values to mask in every output: the token, cookie values, the password. */
  secrets: string[];
  /** `auth/sign-in`: passed, or failed naming the login step and what came back. */
  check?: CheckResult;
}

/**
 * Signs in to the stage's target once, when it declares `auth`; nothing to do otherwise.
 * (Being built: the login itself lands with the sign-in work.)
 */
export const signInStep = (_target: { baseURL: string; notRun?: string }): Step<SignIn> => ({
  name: 'sign-in',
  run: async (ctx) => {
    if (ctx.gate.target.auth) throw new Error('sign-in is not built yet');
    return { secrets: [] };
  },
});
