import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { MIN_SECRET_LENGTH } from '../../model/template.ts';

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
