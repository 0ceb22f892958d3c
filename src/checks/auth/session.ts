import { readFileSync } from 'node:fs';
import { z } from 'zod';

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
