import { createMasker } from '../../config/mask.ts';
import type { Auth } from '../../model/declarations.ts';
import { fillTemplate, templateSecrets } from '../../model/template.ts';
import { ObservationError } from '../authoring/errors.ts';
import { FormSession, type Hop, type HtmlForm, parseForms } from '../probes/form-session.ts';
import type { HttpResult } from '../probes/http.ts';
import { probe } from '../probes/http.ts';
import { type Requester, resolveHeaders } from '../probes/http-target.ts';
import { readPath } from '../probes/json-path.ts';
import { sessionSecrets, type TargetSession } from './session.ts';

/**
 * Signing in failed: the message names the step (`form login: POST /login`, `verify: GET /account`)
 * and what came back (status, where a redirect went, a short masked excerpt of the body), never the
 * password or a token. Errored (it could not sign in), code ROLLGATE_SIGN_IN_FAILED.
 */
export class SignInError extends ObservationError {
  override name = 'SignInError';
  constructor(message: string) {
    super(message, 'ROLLGATE_SIGN_IN_FAILED');
  }
}

export interface SignInOptions {
  /** Where the account's variables are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** How requests are sent: the target's client (CA bundle, declared headers); `probe` by default. */
  request?: Requester;
  timeoutMs?: number;
}

export interface SignedIn {
  session: TargetSession;
  /** Every value to mask: the password and other template values, the token, cookie values. */
  secrets: string[];
  durationMs: number;
}

/**
 * Fills `${NAME}` from env; every value read of MIN_SECRET_LENGTH or more is a secret (a shorter
 * one, `yes` or `en`, would garble every output). A missing variable names it, and the step.
 */
function fill(template: string, env: NodeJS.ProcessEnv, secrets: string[], step: string): string {
  const read: string[] = [];
  const filled = fillTemplate(template, env, (name) => need(env, name, step), read);
  secrets.push(...templateSecrets(read));
  return filled;
}

function need(env: NodeJS.ProcessEnv, name: string, step: string): string {
  const value = env[name];
  if (!value) throw new SignInError(`${step}: env ${name} is not set`);
  return value;
}

const pathOf = (url: string, base?: string) => {
  const u = new URL(url, base);
  return base && new URL(base).origin !== u.origin ? u.href : `${u.pathname}${u.search}`;
};

/**
 * A short, masked excerpt of a body for a message: a JSON body compacted; an HTML page by its
 * alert or error text when it shows one, else its visible text; at most 120 characters.
 */
export function bodyExcerpt(body: string, mask: (text: string) => string = (t) => t): string {
  let text = body.trim();
  try {
    text = JSON.stringify(JSON.parse(text));
  } catch {
    if (/<[a-z!][^>]*>/i.test(text)) {
      const html = text.replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, ' ');
      const alert =
        /<([a-z0-9]+)\b[^>]*(?:role=["']alert["']|class=["'][^"']*\b(?:error|alert|flash|invalid)[^"']*["'])[^>]*>([\s\S]*?)<\/\1\s*>/i.exec(
          html,
        );
      text = (alert?.[2] ?? html).replace(/<[^>]*>/g, ' ');
    }
  }
  const flat = mask(text.replace(/\s+/g, ' ').trim());
  return flat.length > 120 ? `${flat.slice(0, 119)}…` : flat;
}

/** `answered 401 (body: "…")`, `answered 302 to /login`. */
function answer(
  res: Pick<HttpResult, 'status' | 'body' | 'headers'>,
  base: string,
  mask: (t: string) => string,
) {
  const location = res.headers.get('location');
  if (res.status >= 300 && res.status < 400 && location)
    return `answered ${res.status} to ${pathOf(location, base)}`;
  const excerpt = bodyExcerpt(res.body, mask);
  return `answered ${res.status}${excerpt ? ` (body: "${excerpt}")` : ' (empty body)'}`;
}

/** `POST /login answered 302 to /home, then GET /home answered 500 (body: "…")`. */
function chain(hops: Hop[], last: HttpResult, mask: (t: string) => string): string {
  return hops
    .map((h, i) =>
      i === hops.length - 1
        ? `${h.method} ${pathOf(h.url, hops[0]!.url)} ${answer(last, h.url, mask)}`
        : `${h.method} ${pathOf(h.url, hops[0]!.url)} answered ${h.status} to ${pathOf(h.location!, h.url)}`,
    )
    .join(', then ');
}

/** What each login reads and adds to: the target, the environment, the secrets found so far. */
interface LoginRun {
  base: string;
  env: NodeJS.ProcessEnv;
  request: Requester;
  timeoutMs: number;
  /** Every value to mask; each login adds what it reads and receives. */
  secrets: string[];
  mask(text: string): string;
}

type FormAuth = Extract<Auth, { type: 'form' }>;
type JsonAuth = Extract<Auth, { type: 'json' }>;
type HeaderAuth = Extract<Auth, { type: 'header' }>;

const ok = (status: number) => status >= 200 && status <= 299;

/**
 * Form login: GET the page, post every field of its password form (hidden ones as they are), the
 * account and the extras to the form's action, follow the redirects; the cookies are the session.
 */
export async function formLogin(run: LoginRun, auth: FormAuth): Promise<TargetSession> {
  const step = 'form login';
  const username = need(run.env, auth.usernameEnv, step);
  const password = need(run.env, auth.passwordEnv, step);
  run.secrets.push(password);
  const extras = Object.entries(auth.fields).map(
    ([k, v]) => [k, fill(v, run.env, run.secrets, step)] as const,
  );
  const browser = new FormSession(run.base, run.request, run.timeoutMs);
  const page = await browser.follow(run.base + auth.path);
  if (!ok(page.response.status))
    throw new SignInError(`${step}: ${chain(page.hops, page.response, run.mask)}`);
  const landed = page.hops.at(-1)!.url;
  const isLogin = (f: HtmlForm) =>
    f.passwordFields.length > 0 || f.fields.some(([n]) => n === auth.passwordField);
  const form = parseForms(page.response.body).find(isLogin);
  if (!form) throw new SignInError(`${step}: GET ${auth.path} has no form with a password field`);
  const fields: Record<string, string> = Object.fromEntries(form.fields);
  fields[auth.usernameField] = username;
  fields[auth.passwordField] = password;
  for (const [k, v] of extras) fields[k] = v;
  const action = new URL(form.action || landed, landed).href;
  const before = browser.received.length;
  const posted = await browser.follow(action, { method: 'POST', form: fields });
  const final = posted.response;
  const where = chain(posted.hops, final, run.mask);
  if (!ok(final.status)) throw new SignInError(`${step}: ${where}`);
  // The same login form again: the target refused the account without saying so by its status.
  const finalUrl = posted.hops.at(-1)!.url;
  const again = parseForms(final.body).some(
    (f) => isLogin(f) && new URL(f.action || finalUrl, finalUrl).href === action,
  );
  if (again) throw new SignInError(`${step}: ${where}, the login form again`);
  // The session is a cookie the login set (or renewed): one from the login page's GET (a CSRF
  // seed) proves nothing, and a login refused without a word would pass with it.
  const setByLogin = new Set(browser.received.slice(before));
  if (![...browser.jar.keys()].some((name) => setByLogin.has(name)))
    throw new SignInError(`${step}: ${where} but set no session cookie`);
  const session: TargetSession = {
    type: 'form',
    headers: { Cookie: browser.cookieHeader() },
    cookies: [...browser.jar.values()],
  };
  run.secrets.push(...sessionSecrets(session));
  return session;
}

/** JSON login: POST the body, read the token at `tokenPath`, send it as `<header>: <scheme> <token>`. */
export async function jsonLogin(run: LoginRun, auth: JsonAuth): Promise<TargetSession> {
  const step = 'json login';
  const body = Object.fromEntries(
    Object.entries(auth.body).map(([k, v]) => [k, fill(v, run.env, run.secrets, step)]),
  );
  const res = await run.request(run.base + auth.path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
    timeoutMs: run.timeoutMs,
  });
  const said = `POST ${auth.path} ${answer(res, run.base + auth.path, run.mask)}`;
  if (!ok(res.status)) throw new SignInError(`${step}: ${said}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(res.body);
  } catch {
    throw new SignInError(`${step}: ${said}, which is not JSON`);
  }
  const { value: found, keys } = readPath(parsed, auth.tokenPath);
  const answered = `${step}: POST ${auth.path} answered ${res.status} but ${auth.tokenPath}`;
  if (found === undefined || found === null || found === '')
    throw new SignInError(`${answered} is absent (keys: ${keys.join(', ') || 'none'})`);
  if (typeof found !== 'string' && typeof found !== 'number')
    throw new SignInError(`${answered} is a ${Array.isArray(found) ? 'list' : typeof found}, not a token`);
  const token = String(found);
  const value = auth.scheme ? `${auth.scheme} ${token}` : token;
  run.secrets.push(token, value);
  return { type: 'json', headers: { [auth.header]: value }, cookies: [] };
}

/** Header login: the static header, its value read from the environment. */
export function headerLogin(run: LoginRun, auth: HeaderAuth): TargetSession {
  const step = 'header login';
  let resolved: ReturnType<typeof resolveHeaders>;
  try {
    resolved = resolveHeaders({ [auth.header]: auth.value }, run.env);
  } catch (error) {
    const missing = /environment variable (\w+)/.exec((error as Error).message)?.[1];
    throw new SignInError(
      missing ? `${step}: env ${missing} is not set` : `${step}: ${(error as Error).message}`,
    );
  }
  run.secrets.push(...templateSecrets(resolved.secrets), ...Object.values(resolved.headers));
  return { type: 'header', headers: resolved.headers, cookies: [] };
}

/**
 * Signs in to the target at `baseURL` as its `auth` declares, once: a form login (every field of
 * the page's password form, redirects followed, the cookies kept), a JSON token, or a static
 * header; then GETs `verify`, if declared, which must answer 2xx. Throws {@link SignInError}
 * naming the failed step; the result's `secrets` are what every output must mask.
 */
export async function signIn(baseURL: string, auth: Auth, o: SignInOptions = {}): Promise<SignedIn> {
  const secrets: string[] = [];
  const run: LoginRun = {
    base: baseURL.replace(/\/$/, ''),
    env: o.env ?? process.env,
    request: o.request ?? probe,
    timeoutMs: o.timeoutMs ?? 10_000,
    secrets,
    mask: (text) => createMasker(secrets)(text),
  };
  const started = performance.now();
  let step = `${auth.type} login`;
  try {
    const session =
      auth.type === 'form'
        ? await formLogin(run, auth)
        : auth.type === 'json'
          ? await jsonLogin(run, auth)
          : headerLogin(run, auth);
    if (auth.verify) {
      step = 'verify';
      const url = run.base + auth.verify;
      const res = await run.request(url, { headers: { ...session.headers }, timeoutMs: run.timeoutMs });
      if (!ok(res.status)) throw new SignInError(`verify: GET ${auth.verify} ${answer(res, url, run.mask)}`);
    }
    return { session, secrets, durationMs: performance.now() - started };
  } catch (error) {
    if (error instanceof SignInError) throw error;
    // Below HTTP (refused, timeout): still the sign-in that failed, with its cause, masked.
    throw new SignInError(`${step}: ${run.mask((error as Error).message)}`);
  }
}
