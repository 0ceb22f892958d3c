import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { MIN_SECRET_LENGTH } from '../../model/template.ts';
import { ObservationError } from '../authoring/errors.ts';

/**
 * A signed-in session: what the engine's one login per run produced, shared with every check that
 * talks to the target (built-ins, suites, load, Playwright). Its values are secrets: the engine
 * masks them in every output and keeps the file only in the run's scratch folder.
 */
export const TargetSession = z.strictObject({
  /** How the session was made: the auth type of the target. */
  type: z.enum(['form', 'json', 'header']),
  /** Headers every signed-in request carries: the auth header, or Cookie after a form login. */
  headers: z.record(z.string(), z.string()),
  /** Cookies the login set, in Playwright's storage-state shape. */
  cookies: z.array(
    z.strictObject({
      name: z.string(),
      value: z.string(),
      domain: z.string(),
      path: z.string(),
      expires: z.number(),
      httpOnly: z.boolean(),
      secure: z.boolean(),
      sameSite: z.enum(['Strict', 'Lax', 'None']),
    }),
  ),
});
export type TargetSession = z.infer<typeof TargetSession>;

/** Reads the session file the engine wrote for this run. */
export function readSession(file: string): TargetSession {
  return TargetSession.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** Why a session file could not be read, in a line: missing, not JSON, or the field that is wrong. */
function unreadable(error: unknown): string {
  if (error instanceof z.ZodError) {
    const issue = error.issues[0]!;
    return `it is not a session (${issue.path.join('.') || 'the file'}: ${issue.message})`;
  }
  if (error instanceof SyntaxError) return 'it is not JSON';
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'it does not exist (the run removes it when it ends)';
  return code ?? (error as Error).message.split('\n')[0]!;
}

/**
 * The run's session, for `what` asks for it (a built-in, `signedInClient`): a missing or corrupt
 * file is an ObservationError (errored, ROLLGATE_NOT_SIGNED_IN) naming the file and what is wrong,
 * never a raw ENOENT or ZodError (which would fail the check, blaming the release).
 */
export function readRunSession(file: string, what = 'this check'): TargetSession {
  try {
    return readSession(file);
  } catch (error) {
    throw new ObservationError(
      `${what} asks for the signed-in session, and the session file ${file} cannot be read: ${unreadable(error)}`,
      'ROLLGATE_NOT_SIGNED_IN',
    );
  }
}

/**
 * Headers a signed-in request carries: the session's own (the auth header, or Cookie after a form
 * login). A copy, so a caller may add its own. Their values are secrets: never print them.
 * @example await fetch(url, { headers: { ...sessionHeaders(readSession(file)), accept: 'application/json' } })
 */
export function sessionHeaders(session: TargetSession | undefined): Record<string, string> {
  if (!session) return {};
  const headers = { ...session.headers };
  const hasCookie = Object.keys(headers).some((h) => h.toLowerCase() === 'cookie');
  if (!hasCookie && session.cookies.length > 0)
    headers.Cookie = session.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  return headers;
}

/**
 * Cookie values that look secret: HttpOnly ones (what a page's scripts may not read: a session)
 * and any of 8 characters or more. `lang=en` or `consent=1` are left out: masking `en` or `1` would
 * garble every output (the masker masks keys too: `{"evid***ce":…}`). An HttpOnly value shorter
 * than a template value's minimum (MIN_SECRET_LENGTH) is left out for the same reason.
 */
export function secretCookieValues(cookies: TargetSession['cookies']): string[] {
  return cookies
    .filter((c) => c.value.length >= 8 || (c.httpOnly && c.value.length >= MIN_SECRET_LENGTH))
    .map((c) => c.value);
}

/** What to mask of a session: every header it sends (the token, the whole Cookie header) and its secret-looking cookie values. */
export function sessionSecrets(session: TargetSession): string[] {
  return [...Object.values(sessionHeaders(session)), ...secretCookieValues(session.cookies)];
}
