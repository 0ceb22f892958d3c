import { CheckFailure, ObservationError } from '../authoring/errors.ts';
import { type Assessment, assessment } from './assessment.ts';
import { type HttpResult, probe } from './http.ts';
import type { Requester } from './http-target.ts';
import { assessCookies, isDeletion, parseSetCookie, type SetCookie } from './session-cookie.ts';

export interface SendInit {
  method?: string;
  form?: Record<string, string>;
  headers?: Record<string, string>;
}

/** How to log in through the target's own login form. */
export interface LoginSpec {
  /** Path of the login page (GET) that its form posts to. @example '/login' */
  path: string;
  username: string;
  /** Sent in the form body only; never printed. */
  password: string;
  usernameField?: string;
  passwordField?: string;
  /** Hidden form field carrying the CSRF token, when the page has no recognisable login form. */
  csrfField?: string;
  /** Extra fields posted over the form's own (the target auth's `fields`). */
  fields?: Record<string, string>;
}

export interface LoginResult {
  response: HttpResult;
  /** The Set-Cookie headers of the login response: the session cookies being issued. */
  setCookies: string[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Decodes the HTML character references an attribute value or text may hold. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code =
        ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/** The attributes of one start tag (`<input type=hidden name="next" value='/a'>`), names lower-cased. */
export function tagAttributes(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  const inner = tag.replace(/^<\s*[\w-]+/, '').replace(/\/?>$/, '');
  for (const m of inner.matchAll(/([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
    const name = m[1]!.toLowerCase();
    if (!out.has(name)) out.set(name, decodeEntities(m[2] ?? m[3] ?? m[4] ?? ''));
  }
  return out;
}

/** One form of a page: where it posts and the fields a browser would submit, in page order. */
export interface HtmlForm {
  /** The `action` attribute as written ('' when absent: the page itself). */
  action: string;
  method: string;
  fields: [name: string, value: string][];
  /** Names of its password inputs. */
  passwordFields: string[];
}

const NOT_SUBMITTED = new Set(['submit', 'button', 'image', 'reset', 'file']);

/**
 * The forms of an HTML page with the fields a browser submits untouched: inputs (hidden ones
 * included; checkboxes and radios only when checked; no buttons or files), the selected option of
 * each select (else its first), textareas. Enough for a login form, not a general HTML parser.
 */
export function parseForms(html: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  const withoutComments = html.replace(/<!--[\s\S]*?-->/g, '');
  for (const m of withoutComments.matchAll(/<form\b[^>]*>([\s\S]*?)(?:<\/form\s*>|$)/gi)) {
    const attrs = tagAttributes(m[0].slice(0, m[0].indexOf('>') + 1));
    const body = m[1] ?? '';
    const fields: HtmlForm['fields'] = [];
    const passwordFields: string[] = [];
    const controls =
      /<input\b[^>]*>|<select\b[^>]*>[\s\S]*?<\/select\s*>|<textarea\b[^>]*>[\s\S]*?<\/textarea\s*>/gi;
    for (const [control] of body.matchAll(controls)) {
      const open = tagAttributes(control.slice(0, control.indexOf('>') + 1));
      const name = open.get('name');
      if (!name || open.has('disabled')) continue;
      if (/^<input/i.test(control)) {
        const type = (open.get('type') ?? 'text').toLowerCase();
        if (NOT_SUBMITTED.has(type)) continue;
        if ((type === 'checkbox' || type === 'radio') && !open.has('checked')) continue;
        if (type === 'password') passwordFields.push(name);
        fields.push([name, open.get('value') ?? (type === 'checkbox' || type === 'radio' ? 'on' : '')]);
      } else if (/^<select/i.test(control)) {
        const options = [...control.matchAll(/<option\b[^>]*>([^<]*)/gi)].map((o) => {
          const a = tagAttributes(o[0].slice(0, o[0].indexOf('>') + 1));
          return { value: a.get('value') ?? decodeEntities(o[1] ?? '').trim(), selected: a.has('selected') };
        });
        const chosen = options.find((o) => o.selected) ?? options[0];
        if (chosen) fields.push([name, chosen.value]);
      } else {
        const text = /^<textarea\b[^>]*>([\s\S]*?)<\/textarea/i.exec(control)?.[1] ?? '';
        fields.push([name, decodeEntities(text.replace(/^\r?\n/, ''))]);
      }
    }
    forms.push({
      action: attrs.get('action') ?? '',
      method: (attrs.get('method') ?? 'get').toLowerCase(),
      fields,
      passwordFields,
    });
  }
  return forms;
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

/** A cookie the session holds, with what a browser needs to replay it (Playwright's storage state). */
export interface StoredCookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  /** Unix seconds; -1 for a session cookie. */
  expires: number;
  httpOnly: boolean;
  secure: boolean;
  sameSite: 'Strict' | 'Lax' | 'None';
}

/** One request of a redirect chain, for messages: `POST /login answered 302 to /home`. */
export interface Hop {
  method: string;
  url: string;
  status: number;
  location?: string;
}

/** What a browser would store for a Set-Cookie received from `url`. */
export function storedCookie(c: SetCookie, url: string, now = Date.now()): StoredCookie {
  const at = new URL(url);
  const maxAge = c.attributes.get('max-age');
  const expiresAt = c.attributes.get('expires');
  let expires = -1;
  if (maxAge !== undefined && /^-?\d+$/.test(maxAge)) expires = Math.floor(now / 1000) + Number(maxAge);
  else if (expiresAt !== undefined && Number.isFinite(Date.parse(expiresAt)))
    expires = Math.floor(Date.parse(expiresAt) / 1000);
  const sameSite = (c.attributes.get('samesite') ?? '').toLowerCase();
  const dir = at.pathname.slice(0, at.pathname.lastIndexOf('/')) || '/';
  return {
    name: c.name,
    value: c.value,
    domain: (c.attributes.get('domain') || at.hostname).replace(/^\./, ''),
    path: c.attributes.get('path')?.startsWith('/') ? c.attributes.get('path')! : dir,
    expires,
    httpOnly: c.attributes.has('httponly'),
    secure: c.attributes.has('secure'),
    sameSite: sameSite === 'strict' ? 'Strict' : sameSite === 'none' ? 'None' : 'Lax',
  };
}

/**
 * Enough of a browser to walk forms: keeps cookies (for the target's host only), follows
 * redirects only when asked ({@link follow}), sends forms as `application/x-www-form-urlencoded`.
 * Cookie values stay inside; nothing here prints them.
 */
export class FormSession {
  /** Cookie values by name. */
  readonly cookies = new Map<string, string>();
  /** The same cookies with their attributes. */
  readonly jar = new Map<string, StoredCookie>();
  /** Names of the cookies set so far, one per Set-Cookie received (deletions left out), in order. */
  readonly received: string[] = [];

  constructor(
    readonly baseURL: string,
    readonly request: Requester = probe,
    readonly timeoutMs = 10_000,
  ) {}

  async send(path: string, init: SendInit = {}) {
    return this.sendTo(this.baseURL + path, init);
  }

  /** Like {@link send}, to an absolute URL; cookies go only to the target's own host. */
  async sendTo(url: string, init: SendInit = {}) {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookies.size > 0 && new URL(url).host === new URL(this.baseURL).host)
      headers.cookie = this.cookieHeader();
    let body: string | undefined;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const method = init.method ?? (body === undefined ? 'GET' : 'POST');
    const res = await this.request(url, { method, headers, body, timeoutMs: this.timeoutMs });
    for (const header of res.headers.getSetCookie()) {
      const c = parseSetCookie(header);
      if (isDeletion(c)) {
        this.cookies.delete(c.name);
        this.jar.delete(c.name);
      } else {
        this.cookies.set(c.name, c.value);
        this.jar.set(c.name, storedCookie(c, url));
        this.received.push(c.name);
      }
    }
    return res;
  }

  /** The Cookie header the session sends ('' when it holds none). */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /**
   * Sends and follows redirects as a browser does (303, and 301/302 after a POST, become a GET
   * without body; 307/308 repeat the request), keeping cookies across them, at most `max` hops.
   * Returns the last answer and every hop, for messages.
   */
  async follow(url: string, init: SendInit = {}, max = 10): Promise<{ response: HttpResult; hops: Hop[] }> {
    const hops: Hop[] = [];
    let current = { url, init };
    for (;;) {
      const method = current.init.method ?? (current.init.form ? 'POST' : 'GET');
      const response = await this.sendTo(current.url, current.init);
      const location = response.headers.get('location') ?? undefined;
      hops.push({ method, url: current.url, status: response.status, ...(location ? { location } : {}) });
      if (response.status < 300 || response.status > 399 || response.status === 304 || !location)
        return { response, hops };
      if (hops.length > max)
        throw new ObservationError(
          `${method} ${new URL(url).pathname} redirected more than ${max} times (last to ${location})`,
          'ROLLGATE_HTTP',
        );
      const next = new URL(location, current.url).href;
      const keep = response.status === 307 || response.status === 308;
      current = { url: next, init: keep ? current.init : { headers: current.init.headers } };
    }
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
    const userField = spec.usernameField ?? 'username';
    const passField = spec.passwordField ?? 'password';
    // As a browser submits it: every field of the page's password form (hidden ones such as a
    // CSRF token or `next` as they are), the account, the extras, to the form's own action.
    const pageUrl = this.baseURL + spec.path;
    const page = await this.sendTo(pageUrl);
    const form = parseForms(page.body).find(
      (f) => f.passwordFields.length > 0 || f.fields.some(([n]) => n === passField),
    );
    const fields: Record<string, string> = form ? Object.fromEntries(form.fields) : {};
    if (!form) {
      const csrfField = spec.csrfField ?? '_csrf';
      const token = hiddenField(page.body, csrfField);
      if (token !== undefined) fields[csrfField] = token;
    }
    fields[userField] = spec.username;
    fields[passField] = spec.password;
    Object.assign(fields, spec.fields);
    const action = new URL(form?.action || pageUrl, pageUrl).href;
    const response = await this.sendTo(action, { form: fields });
    const setCookies = response.headers.getSetCookie();
    const issued = setCookies.filter((h) => !isDeletion(parseSetCookie(h)));
    if (response.status >= 500) {
      // The target answered and is broken: that is an observation (failed), not a blind spot.
      throw new CheckFailure(`login at ${action} answered ${response.status}: the target is failing`);
    }
    if (response.status >= 400 || issued.length === 0) {
      const why = response.status >= 400 ? `answered ${response.status}` : 'set no session cookie';
      throw new ObservationError(
        `cannot log in at ${action} as "${spec.username}": the login ${why}`,
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
