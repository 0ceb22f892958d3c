import path from 'node:path';
import { SignInError, signIn, writeSessionFiles } from '../../checks/auth/index.ts';
import { CheckFailure } from '../../checks/authoring/errors.ts';
import { createTargetClient } from '../../checks/probes/http-target.ts';
import { createMasker } from '../../config/mask.ts';
import { authEnvNames } from '../../model/auth-env.ts';
import type { CheckResult } from '../../model/check-result.ts';
import type { Auth } from '../../model/declarations.ts';
import { errorCodeInfo } from '../../model/error-codes.ts';
import { templateSecrets } from '../../model/template.ts';
import { harnessCheck } from '../harness-check.ts';
import { SIGN_IN_CHECK, signInTitle } from '../sign-in-check.ts';
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

export { SIGN_IN_CHECK };

/** Longest a sign-in request may take; the measurement of the login time is held to it. */
const SIGN_IN_TIMEOUT_MS = 10_000;

/**
 * Signs in to the stage's target once, when it declares `auth`; nothing to do otherwise. The
 * session goes to `<scratch>/auth/session.json` (0600, with Playwright's storage state beside it),
 * removed with the scratch folder at teardown; its values (and the password) are returned as
 * secrets so the run masks them everywhere. A login that fails errors `auth/sign-in` (HOLD) with
 * the step that failed and what came back; `notRun` (the target did not start) errors it too.
 */
export const signInStep = (target: { baseURL: string; notRun?: string }): Step<SignIn> => ({
  name: 'sign-in',
  run: async (ctx) => {
    const auth = ctx.gate.target.auth;
    if (!auth) return { secrets: [] };
    const title = signInTitle(ctx.gate.targetName, auth);
    const check = (partial: Partial<CheckResult>) =>
      harnessCheck(SIGN_IN_CHECK, title, { suite: 'auth', ...partial });
    // The password (and every template value) is masked even when the login never got to read it.
    const declared = declaredSecrets(auth, ctx.env);
    if (target.notRun)
      return {
        secrets: declared,
        check: check({
          status: 'errored',
          message: `not run: ${target.notRun}`,
          code: 'ROLLGATE_SIGN_IN_FAILED',
        }),
      };
    const started = performance.now();
    try {
      const client = createTargetClient(ctx.gate.target.http, ctx.env);
      const { session, secrets, durationMs } = await signIn(target.baseURL, auth, {
        env: ctx.env,
        request: client.request,
        timeoutMs: SIGN_IN_TIMEOUT_MS,
      });
      const sessionFile = writeSessionFiles(path.join(ctx.scratchDir, 'auth'), session);
      const ms = Math.round(durationMs);
      return {
        sessionFile,
        secrets: [...declared, ...secrets],
        check: check({
          durationMs: ms,
          message: `signed in as a ${auth.type} session in ${ms} ms`,
          measurements: [
            {
              name: 'sign-in-time',
              actual: ms,
              operator: '<',
              expected: SIGN_IN_TIMEOUT_MS,
              unit: 'ms',
              samples: 1,
              passed: true,
              outcome: 'pass',
            },
          ],
        }),
      };
    } catch (error) {
      const e = error as Error & { code?: string };
      const mask = createMasker(declared);
      const code = errorCodeInfo(e.code)?.code;
      return {
        secrets: declared,
        check: check({
          status: e instanceof CheckFailure ? 'failed' : 'errored',
          durationMs: Math.round(performance.now() - started),
          message: mask(e instanceof SignInError ? e.message : `sign-in: ${e.message}`),
          ...(code ? { code } : {}),
        }),
      };
    }
  },
});

/** The values the declaration reads from the environment: the password, body and field templates. */
function declaredSecrets(auth: Auth, env: NodeJS.ProcessEnv): string[] {
  const names = authEnvNames(auth);
  // A form's account comes first: the password is a secret whatever its length, the username none.
  // Template values are secrets as the sign-in reads them: MIN_SECRET_LENGTH characters or more.
  const password = auth.type === 'form' ? [env[auth.passwordEnv] ?? ''] : [];
  const templated = templateSecrets((auth.type === 'form' ? names.slice(2) : names).map((n) => env[n]));
  return [...password, ...templated].filter((v) => v !== '');
}
