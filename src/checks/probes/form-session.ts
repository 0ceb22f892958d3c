import { CheckFailure, ObservationError } from '../authoring/errors.ts';
import { type Assessment, assessment } from './assessment.ts';
import { type HttpResult, probe } from './http.ts';
import type { Requester } from './http-target.ts';
import { assessCookies, isDeletion, parseSetCookie } from './session-cookie.ts';

/** How to log in through the target's own login form. */
export interface LoginSpec {
  /** Path of the login page (GET) that its form posts to. @example '/login' */
  path: string;
  username: string;
  /** Sent in the form body only; never printed. */
  password: string;
  usernameField?: string;
  passwordField?: string;
  /** Hidden form field carrying the CSRF token, when the form has one. */
  csrfField?: string;
}

export interface LoginResult {
  response: HttpResult;
  /** The Set-Cookie headers of the login response: the session cookies being issued. */
  setCookies: string[];
}

/** First value of a hidden field `name` in an HTML page, in either attribute order. */
export function hiddenField(html: string, name: string): string | undefined {
  for (const tag of html.match(/<input\b[^>]*>/gi) ?? []) {
    if (new RegExp(`\\bname=["']${name.replace(/\W/g, '\\$&')}["']`).test(tag)) {
      return /\bvalue=["']([^"']*)["']/.exec(tag)?.[1];
    }
  }
  return undefined;
}

/**
 * Enough of a browser to walk forms: keeps cookies, follows no redirects, sends forms as
 * `application/x-www-form-urlencoded`. Cookie values stay inside; nothing here prints them.
 */
export class FormSession {
  readonly cookies = new Map<string, string>();

  constructor(
    readonly baseURL: string,
    readonly request: Requester = probe,
    readonly timeoutMs = 10_000,
  ) {}

  async send(
    path: string,
    init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const method = init.method ?? (body === undefined ? 'GET' : 'POST');
    const res = await this.request(this.baseURL + path, { method, headers, body, timeoutMs: this.timeoutMs });
    for (const header of res.headers.getSetCookie()) {
      const c = parseSetCookie(header);
      if (isDeletion(c)) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }

  /** GETs a page and reads a hidden field from it (a CSRF token), or undefined when absent. */
  async field(path: string, name: string): Promise<string | undefined> {
    return hiddenField((await this.send(path)).body, name);
  }

  /**
   * Logs in through the form. A 5xx is a failing target (CheckFailure); a login that is refused or
   * sets no cookie means the check cannot observe what it came for: ObservationError naming the
   * user, never the password.
   */
  async login(spec: LoginSpec): Promise<LoginResult> {
    const form: Record<string, string> = {
      [spec.usernameField ?? 'username']: spec.username,
      [spec.passwordField ?? 'password']: spec.password,
    };
    const csrfField = spec.csrfField ?? '_csrf';
    const token = await this.field(spec.path, csrfField);
    if (token !== undefined) form[csrfField] = token;
    const response = await this.send(spec.path, { form });
    const setCookies = response.headers.getSetCookie();
    const issued = setCookies.filter((h) => !isDeletion(parseSetCookie(h)));
    if (response.status >= 500) {
      // The target answered and is broken: that is an observation (failed), not a blind spot.
      throw new CheckFailure(
        `login at ${this.baseURL}${spec.path} answered ${response.status}: the target is failing`,
      );
    }
    if (response.status >= 400 || issued.length === 0) {
      const why = response.status >= 400 ? `answered ${response.status}` : 'set no session cookie';
      throw new ObservationError(
        `cannot log in at ${this.baseURL}${spec.path} as "${spec.username}": the login ${why}`,
        'ROLLGATE_LOGIN_FAILED',
      );
    }
    return { response, setCookies };
  }
}

/** Logs in through the form and assesses the session cookies the login response sets. */
export async function checkSessionCookies(
  baseURL: string,
  login: LoginSpec,
  options: { request?: Requester; timeoutMs?: number } = {},
): Promise<Assessment> {
  const session = new FormSession(baseURL, options.request, options.timeoutMs);
  const { response, setCookies } = await session.login(login);
  const rules = assessCookies(setCookies, { https: baseURL.startsWith('https:') });
  const attributes = setCookies.map((c) => c.replace(/^([^=;]*)=[^;]*/, '$1=<withheld>')).join('\n');
  return assessment(`session cookies set by ${baseURL}${login.path}`, rules, [
    {
      name: 'login set-cookie',
      contentType: 'text/plain',
      body: `${response.status} ${response.url}\n${attributes}`,
    },
  ]);
}
