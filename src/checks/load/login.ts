import { existsSync } from 'node:fs';
import { readSession, sessionHeaders } from '../auth/session.ts';
import { CheckFailure, ObservationError } from '../authoring/errors.ts';
import { probe } from '../probes/http.ts';
import type { LoadProfile, LoginSpec } from './profile.ts';

/** The environment variable carrying the session's headers to k6 (never written into the script). */
export const K6_SESSION_ENV = 'ROLLGATE_SESSION_HEADERS';

/**
 * `auth: 'target'`: the headers of the run's session, read from the file ROLLGATE_CONTEXT names.
 * No session (the target declares no auth, or the load runs outside a gate) is an ObservationError:
 * load meant to be signed in never runs anonymous.
 */
export function runSessionHeaders(
  env: Record<string, string | undefined> = process.env,
): Record<string, string> {
  let file: string | undefined;
  try {
    file = env.ROLLGATE_CONTEXT
      ? (JSON.parse(env.ROLLGATE_CONTEXT) as { sessionFile?: string }).sessionFile
      : undefined;
  } catch {
    file = undefined;
  }
  if (!file || !existsSync(file))
    throw new ObservationError(
      "load auth session 'target': the run has no session; declare the target's auth (docs/signing-in.md), or log in with auth.login",
      'ROLLGATE_LOAD_LOGIN',
    );
  return sessionHeaders(readSession(file));
}

/**
 * The headers every load request sends for a profile's `auth`: the run's session (`'target'`), the
 * form login's Cookie (`{ login }`), or none.
 */
export async function loadAuthHeaders(
  baseURL: string,
  profile: Pick<LoadProfile, 'auth'>,
  env: Record<string, string | undefined> = process.env,
): Promise<Record<string, string>> {
  if (profile.auth?.session === 'target') return runSessionHeaders(env);
  if (profile.auth?.login) return { cookie: await loginCookie(baseURL, profile.auth.login, env) };
  return {};
}

/** A cookie jar just big enough for a form login: name → value, honouring deletions. */
class Jar {
  readonly cookies = new Map<string, string>();
  take(headers: Headers): void {
    for (const cookie of headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const i = pair.indexOf('=');
      if (i <= 0) continue;
      const name = pair.slice(0, i).trim();
      if (/;\s*max-age=0\b/i.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(i + 1).trim());
    }
  }
  header(): string {
    return [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
  }
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The value of the hidden input `field` in a form page (either attribute order). */
export function hiddenField(html: string, field: string): string | undefined {
  const input = new RegExp(`<input[^>]*name=["']${escapeRegExp(field)}["'][^>]*>`, 'i').exec(html)?.[0];
  return input ? /value=["']([^"']*)["']/i.exec(input)?.[1] : undefined;
}

/**
 * Logs in through the golden-path form and returns the Cookie header every load request sends:
 * GET the login page (CSRF token unless `fields.csrf` is false, pre-session cookie), POST the
 * credentials without following the redirect, then GET where it points to prove the session
 * works. Any step that does not go as a healthy app's would is an ObservationError: load as an
 * anonymous user measures the wrong pages. Credential values are never put in a message.
 */
export async function loginCookie(
  baseURL: string,
  login: LoginSpec,
  env: Record<string, string | undefined> = process.env,
): Promise<string> {
  const username = env[login.usernameEnv];
  const password = env[login.passwordEnv];
  const missing = [!username && login.usernameEnv, !password && login.passwordEnv].filter(Boolean);
  if (missing.length) {
    throw new ObservationError(
      `load login: ${missing.join(' and ')} not set; the profile logs in with them`,
      'ROLLGATE_LOAD_LOGIN',
    );
  }
  const jar = new Jar();
  const url = new URL(login.path, baseURL).href;
  const page = await probe(url);
  jar.take(page.headers);
  if (page.status >= 500) {
    // The target answered and is failing: an observation, not a blind spot.
    throw new CheckFailure(`load login: GET ${login.path} answered ${page.status}: the target is failing`);
  }
  if (page.status !== 200) {
    throw new ObservationError(
      `load login: GET ${login.path} answered ${page.status}, not the login form`,
      'ROLLGATE_LOAD_LOGIN',
    );
  }
  const form = new URLSearchParams();
  // `csrf: false` declares a form without a token. Otherwise a missing token fails closed: a form
  // that should carry one and does not is a finding, and a login without it would not be the real one.
  const csrf = login.fields.csrf;
  if (csrf !== false) {
    const token = hiddenField(page.body, csrf);
    if (token === undefined) {
      throw new ObservationError(
        `load login: GET ${login.path} answered ${page.status} without a ${csrf} field; name the form's CSRF field in auth.login.fields.csrf, or set it to false if the form has no CSRF token`,
        'ROLLGATE_LOAD_LOGIN',
      );
    }
    form.set(csrf, token);
  }
  form.set(login.fields.username, username!);
  form.set(login.fields.password, password!);
  const posted = await probe(url, {
    method: 'POST',
    body: form.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
  });
  jar.take(posted.headers);
  const location = posted.headers.get('location');
  if (
    posted.status < 300 ||
    posted.status > 303 ||
    !location ||
    new URL(location, url).pathname === login.path
  ) {
    throw new ObservationError(
      `load login: POST ${login.path} answered ${posted.status}, not a redirect away from the login page; check the credentials`,
      'ROLLGATE_LOAD_LOGIN',
    );
  }
  const landing = await probe(new URL(location, url).href, { headers: { cookie: jar.header() } });
  if (landing.status !== 200) {
    throw new ObservationError(
      `load login: the page after login (${location}) answered ${landing.status}, so the session does not hold`,
      'ROLLGATE_LOAD_LOGIN',
    );
  }
  return jar.header();
}
