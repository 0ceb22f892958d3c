import { readRunSession, sessionHeaders } from '../auth/session.ts';
import { ObservationError } from '../authoring/errors.ts';
import type { TargetDeclaration } from '../authoring/target-context.ts';
import type { Assessment } from '../probes/assessment.ts';
import type { Requester } from '../probes/http-target.ts';
import { createTargetClient } from '../probes/http-target.ts';

/** What a built-in check knows of the run: where the target is, what it must be, the environment. */
export interface BuiltinRun {
  baseURL: string;
  /** The release under test (the version check compares with it). */
  release: string;
  /** The run's environment: the gate's, with the started target's (its database URL, generated secrets). */
  env: NodeJS.ProcessEnv;
  /** The project root: config files are found from here, relative database files too. */
  root: string;
  /** The signed-in session file ({@link readRunSession}), when the target declares auth and the login worked. */
  sessionFile?: string;
  /** Per request; the engine bounds each check as a whole too. */
  requestTimeoutMs?: number;
  /**
   * rollgate itself started the target for this run (an embedded app, no base URL given), so its
   * plain-HTTP loopback address is a stand-in. Absent or false: a deployment someone else runs
   * (a runbook `baseURL` or `--base-url`, a port-forward on localhost included).
   */
  embedded?: boolean;
}

/**
 * What a built-in returns: an assessment (rules, measurements, evidence). `message` replaces the
 * rule-by-rule failure message where the check has better words (the secret scan's findings).
 */
export interface BuiltinAssessment extends Assessment {
  message?: string;
}

/** A built-in check: the target's declaration and the run in, an assessment out (or CheckFailure / ObservationError). */
export type BuiltinFn = (declaration: TargetDeclaration, run: BuiltinRun) => Promise<BuiltinAssessment>;

export const REQUEST_TIMEOUT_MS = 10_000;

/**
 * How a built-in talks to the target: its declared `http` headers and CA bundle, plus the
 * signed-in session's headers when `signedIn`. Asking for the session in a run that has none is an
 * error (ROLLGATE_NOT_SIGNED_IN), never a silent anonymous request.
 */
export function targetRequester(
  declaration: Pick<TargetDeclaration, 'http' | 'auth'>,
  run: BuiltinRun,
  signedIn = false,
  what = 'this check',
): Requester {
  const client = createTargetClient(declaration.http, run.env);
  if (!signedIn) return client.request;
  if (!run.sessionFile) {
    throw new ObservationError(
      declaration.auth
        ? `${what} needs the signed-in session, and the sign-in failed (see auth/sign-in)`
        : `${what} asks for the signed-in session (signedIn), but this run has none: declare the target's auth so the gate signs in first`,
      'ROLLGATE_NOT_SIGNED_IN',
    );
  }
  const headers = sessionHeaders(readRunSession(run.sessionFile, what));
  return (url, options = {}) =>
    client.request(url, { ...options, headers: { ...headers, ...options.headers } });
}

/** The value at a dotted path of a parsed JSON body, own properties only: the one reader, shared with the sign-in. */
export { atPath } from '../probes/json-path.ts';

/** A JSON value as a rule shows it: strings and numbers as they are, anything else as JSON. */
export function shown(v: unknown): string | number {
  if (typeof v === 'string' || typeof v === 'number') return v;
  return JSON.stringify(v) ?? 'undefined';
}

/** A regular expression from the runbook; a bad one names the field (a configuration error). */
export function declaredRegExp(source: string, field: string): RegExp {
  try {
    return new RegExp(source);
  } catch (error) {
    throw new ObservationError(
      `${field}: "${source}" is not a valid regular expression (${(error as Error).message})`,
      'ROLLGATE_CONFIG',
    );
  }
}

/** The first 80 characters of a body, on one line, for a rule's `seen`. */
export function excerpt(body: string, n = 80): string {
  return `"${body.slice(0, n).replace(/\s+/g, ' ')}"`;
}
