import { randomBytes } from 'node:crypto';
import type { RequestContext } from './context.ts';
import type { SessionRecord } from './db/store.ts';
import { appendSetCookie, HttpError, parseCookies, serializeCookie } from './http.ts';
import { csrfToken, verifyCsrfToken } from './security.ts';

export const SESSION_COOKIE = 'demo_session';
/** Anonymous visitor id that the login form's CSRF token is bound to (there is no session yet). */
export const PRESESSION_COOKIE = 'demo_presession';

export async function currentSession(ctx: RequestContext): Promise<SessionRecord | undefined> {
  const id = parseCookies(ctx.req).get(SESSION_COOKIE);
  return id ? ctx.deps.store.getSession(id) : undefined;
}

export function setSessionCookie(ctx: RequestContext, session: SessionRecord): void {
  const maxAgeSeconds = Math.max(0, Math.floor((session.expiresAt.getTime() - Date.now()) / 1000));
  appendSetCookie(ctx.res, serializeCookie(SESSION_COOKIE, session.id, { maxAgeSeconds, secure: ctx.https }));
}

export function clearCookie(ctx: RequestContext, name: string): void {
  appendSetCookie(ctx.res, serializeCookie(name, '', { maxAgeSeconds: 0, secure: ctx.https }));
}

/** Returns the visitor's pre-session id, issuing one (and its cookie) on first sight. */
export function ensurePresession(ctx: RequestContext): string {
  const existing = parseCookies(ctx.req).get(PRESESSION_COOKIE);
  if (existing) return existing;
  const id = randomBytes(24).toString('base64url');
  appendSetCookie(ctx.res, serializeCookie(PRESESSION_COOKIE, id, { secure: ctx.https }));
  return id;
}

export function sessionCsrfToken(ctx: RequestContext, session: SessionRecord): string {
  return csrfToken(ctx.deps.secret, `session:${session.id}`);
}

export function presessionCsrfToken(ctx: RequestContext, presessionId: string): string {
  return csrfToken(ctx.deps.secret, `presession:${presessionId}`);
}

/** Throws 403 unless the form carries the token bound to this session (or pre-session). */
export function requireCsrf(
  ctx: RequestContext,
  form: URLSearchParams,
  binding: { session: SessionRecord } | { presession: string | undefined },
): void {
  if (!ctx.deps.faults.csrfProtection) return; // the `no-csrf` fault: tokens are not enforced
  const key =
    'session' in binding
      ? `session:${binding.session.id}`
      : binding.presession && `presession:${binding.presession}`;
  if (!verifyCsrfToken(ctx.deps.secret, key, form.get('_csrf'))) {
    throw new HttpError(403, 'Invalid or missing CSRF token. Reload the page and try again.');
  }
}
