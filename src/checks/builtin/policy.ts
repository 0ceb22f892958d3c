import type { SecurityPolicy } from '../../model/declarations.ts';
import { fillTemplate } from '../../model/template.ts';
import { ObservationError } from '../authoring/errors.ts';
import type { TargetDeclaration } from '../authoring/target-context.ts';
import type { LoginSpec } from '../probes/form-session.ts';
import { type BuiltinRun, REQUEST_TIMEOUT_MS } from './run.ts';

/** The target's security policy; the runbook's schema made sure a built-in that needs it has it. */
export function securityOf(declaration: TargetDeclaration): SecurityPolicy {
  if (!declaration.security)
    throw new ObservationError('the target declares no security policy (security)', 'ROLLGATE_CONFIG');
  return declaration.security;
}

export const timeoutOf = (run: BuiltinRun) => ({ timeoutMs: run.requestTimeoutMs ?? REQUEST_TIMEOUT_MS });

/**
 * The target's form login as the probes' LoginSpec: the account from the environment variables its
 * auth names (the password goes into the form only, never into output), its field names, and the
 * hidden CSRF field the form carries (posted back as the login page gave it).
 */
export function formLogin(
  declaration: TargetDeclaration,
  env: NodeJS.ProcessEnv,
  csrfField?: string,
): LoginSpec {
  const auth = declaration.auth;
  if (auth?.type !== 'form')
    throw new ObservationError('the target has no form login (auth: { type: "form" })', 'ROLLGATE_CONFIG');
  const missing = [auth.usernameEnv, auth.passwordEnv].filter((n) => !env[n]);
  if (missing.length)
    throw new ObservationError(
      `${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set: this check logs in through the form at ${auth.path} with the account the target's auth names`,
      'ROLLGATE_MISSING_ENV',
    );
  return {
    path: auth.path,
    username: env[auth.usernameEnv]!,
    password: env[auth.passwordEnv]!,
    usernameField: auth.usernameField,
    passwordField: auth.passwordField,
    // The declared extras, `${NAME}` read from the environment as the sign-in reads them; an
    // unset variable is an error naming the field, never an empty value posted silently.
    fields: Object.fromEntries(
      Object.entries(auth.fields).map(([k, v]) => [
        k,
        fillTemplate(v, env, (n) => {
          throw new ObservationError(
            `${n} is not set: this check logs in through the form at ${auth.path}, whose auth.fields.${k} reads \${${n}}`,
            'ROLLGATE_MISSING_ENV',
          );
        }),
      ]),
    ),
    ...(csrfField ? { csrfField } : {}),
  };
}
