import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ObservationError } from '../../src/checks/authoring/errors.ts';
import { profileToK6Script } from '../../src/checks/load/k6-script.ts';
import { loginCookie } from '../../src/checks/load/login.ts';
import { type LoginSpec, parseLoadProfile } from '../../src/checks/load/profile.ts';
import { runLoadProfile } from '../../src/checks/load/run-profile.ts';
import { rejection, thrown } from '../unit/helpers.ts';
import { closeServer, importWithK6Stubs, listen, serverURL, tempDirs } from './helpers.ts';

const ENV = { APP_USER: 'ada', APP_PASSWORD: 'pw-1' };
const dirs = tempDirs();
afterAll(() => dirs.cleanup());

const body = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = '';
    req.on('data', (c: Buffer) => {
      text += c.toString();
    });
    req.on('end', () => resolve(text));
  });

/**
 * A small app on 127.0.0.1 with a form login: `/login` shows the form (with a `_csrf` hidden input
 * when `token` is given, and a pre-session cookie), accepts ada/pw-1 (and the token, when there is
 * one) with a 302 to `/account` and a session cookie; `/account` is 200 only with that session.
 * Every POSTed form is kept, to see what the login sent.
 */
async function app(token?: string) {
  const posted: URLSearchParams[] = [];
  const signedIn: boolean[] = [];
  const server: Server = await listen(async (req: IncomingMessage, res: ServerResponse) => {
    const cookies = req.headers.cookie ?? '';
    if (req.url === '/login' && req.method === 'GET') {
      const hidden = token ? `<input type="hidden" name="_csrf" value="${token}">` : '';
      res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': 'pre=1; Path=/' });
      res.end(`<form method="post">${hidden}<input name="username"><input name="password"></form>`);
    } else if (req.url === '/login' && req.method === 'POST') {
      const form = new URLSearchParams(await body(req));
      posted.push(form);
      const ok =
        form.get('username') === 'ada' &&
        form.get('password') === 'pw-1' &&
        cookies.includes('pre=1') &&
        (token ? form.get('_csrf') === token : true);
      if (ok) res.writeHead(302, { location: '/account', 'set-cookie': 'sid=s3cr3t; Path=/; HttpOnly' });
      else res.writeHead(403);
      res.end();
    } else if (req.url === '/account') {
      signedIn.push(cookies.includes('sid=s3cr3t'));
      res.writeHead(cookies.includes('sid=s3cr3t') ? 200 : 302, { location: '/login' });
      res.end('account');
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  return { server, url: serverURL(server), posted, signedIn };
}

type App = Awaited<ReturnType<typeof app>>;
const apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => closeServer(a.server)));
});
async function started(token?: string): Promise<App> {
  const a = await app(token);
  apps.push(a);
  return a;
}

/** The login of a profile, parsed as a profile file would be (defaults filled in). */
const login = (fields?: Record<string, unknown>): LoginSpec =>
  parseLoadProfile({
    name: 'p',
    endpoints: [{ path: '/account' }],
    duration: '1s',
    stages: ['canary'],
    auth: { login: { usernameEnv: 'APP_USER', passwordEnv: 'APP_PASSWORD', ...(fields ? { fields } : {}) } },
  }).auth!.login!;

describe('load login through a form', () => {
  it('fields.csrf false: a form without a token logs in, and no token field is looked for or sent', async () => {
    const a = await started();
    const cookie = await loginCookie(a.url, login({ csrf: false }), ENV);
    expect(cookie).toContain('sid=s3cr3t');
    expect(a.posted).toHaveLength(1);
    expect([...a.posted[0]!.keys()]).toEqual(['username', 'password']);
    expect(a.signedIn).toEqual([true]); // the page after login proved the session
  });

  it('by default a form without the _csrf field errors the login (fail closed), and says how to declare none', async () => {
    const a = await started();
    const e = await rejection(loginCookie(a.url, login(), ENV));
    expect(e).toBeInstanceOf(ObservationError);
    expect(e.code).toBe('ROLLGATE_LOAD_LOGIN');
    expect(e.message).toBe(
      "load login: GET /login answered 200 without a _csrf field; name the form's CSRF field in auth.login.fields.csrf, or set it to false if the form has no CSRF token",
    );
    expect(a.posted).toEqual([]); // nothing was POSTed without the token
  });

  it('a declared field the form lacks errors too, naming that field', async () => {
    const a = await started('t0k3n');
    const e = await rejection(loginCookie(a.url, login({ csrf: 'authenticity_token' }), ENV));
    expect(e.message).toMatch(/^load login: GET \/login answered 200 without a authenticity_token field;/);
  });

  it('a form with a token: the token is read and sent back with the credentials', async () => {
    const a = await started('t0k3n');
    expect(await loginCookie(a.url, login(), ENV)).toContain('sid=s3cr3t');
    expect(a.posted[0]!.get('_csrf')).toBe('t0k3n');
  });

  it('csrf false against a form whose server wants a token: the refused POST is reported, not hidden', async () => {
    const a = await started('t0k3n');
    const e = await rejection(loginCookie(a.url, login({ csrf: false }), ENV));
    expect(e.message).toMatch(/POST \/login answered 403, not a redirect away from the login page/);
    expect([...a.posted[0]!.keys()]).toEqual(['username', 'password']);
  });

  it('the embedded engine loads a token-less form login signed in', async () => {
    const a = await started();
    const profile = parseLoadProfile({
      name: 'account',
      endpoints: [{ path: '/account', expectStatus: [200] }],
      auth: { login: { usernameEnv: 'APP_USER', passwordEnv: 'APP_PASSWORD', fields: { csrf: false } } },
      connections: 2,
      duration: '300ms',
      stages: ['canary'],
    });
    const r = await runLoadProfile({
      profile,
      baseURL: a.url,
      stage: 'canary',
      budgets: [{ name: 'error-rate', operator: '<=', value: 0, lowVolume: 'judge' }],
      engine: 'autocannon',
      env: ENV,
      outDir: dirs.make(),
    });
    expect(r.observation.requests).toBeGreaterThan(0);
    expect(r.observation.failed).toBe(0);
    expect(a.signedIn.length).toBeGreaterThan(1);
    expect(a.signedIn.every(Boolean)).toBe(true);
  });
});

describe('fields.csrf in a profile', () => {
  it.each([
    ['an empty name', ''],
    ['null', null],
    ['true', true],
  ])('%s is refused, with the fix', (_what, csrf) => {
    const e = thrown(() => login({ csrf }));
    expect(e.code).toBe('ROLLGATE_LOAD_PROFILE_INVALID');
    expect(e.message).toContain(
      "load profile: auth.login.fields.csrf: give the hidden field's name (default _csrf), or false when the login form has no CSRF token",
    );
  });

  it('defaults to _csrf; false and a name are kept', () => {
    expect(login().fields).toEqual({ csrf: '_csrf', username: 'username', password: 'password' });
    expect(login({ csrf: false }).fields.csrf).toBe(false);
    expect(login({ csrf: 'token' }).fields.csrf).toBe('token');
  });
});

/** The k6 calls a generated script's setup() made, through stand-ins of k6's modules. */
interface K6Calls {
  selectors: string[];
  forms: Record<string, string>[];
  failed?: string;
}

/** Runs a generated script's setup() with k6/http answering a login page with `html` (k6 is not installed here). */
async function k6Setup(csrf: string | false, html: string): Promise<K6Calls> {
  const profile = parseLoadProfile({
    name: 'p',
    endpoints: [{ path: '/account' }],
    auth: { login: { usernameEnv: 'APP_USER', passwordEnv: 'APP_PASSWORD', fields: { csrf } } },
    duration: '1s',
    stages: ['canary'],
  });
  const script = profileToK6Script(profile, { baseURL: 'http://127.0.0.1:1', budgets: [] });
  const mod = (await importWithK6Stubs(dirs.make(), script, {
    index:
      'globalThis.__ENV = { APP_USER: "ada", APP_PASSWORD: "pw-1" }; export const fail = (m) => { globalThis.k6Calls.failed = m; throw new Error(m); };',
    http: `const calls = (globalThis.k6Calls = { selectors: [], forms: [] });
const attr = (sel) => { const name = /name="([^"]+)"/.exec(sel)[1]; const m = new RegExp('name="' + name + '"[^>]*value="([^"]*)"').exec(${JSON.stringify(html)}); return m ? m[1] : undefined; };
export default {
  expectedStatuses: () => ({}),
  get: () => ({ status: 200, html: () => ({ find: (sel) => { calls.selectors.push(sel); return { attr: () => attr(sel) }; } }) }),
  post: (_url, form) => { calls.forms.push(form); return { status: 302 }; },
  cookieJar: () => ({ cookiesForURL: () => ({ sid: ['s3cr3t'] }) }),
};`,
  })) as { setup(): unknown };
  const calls = (globalThis as unknown as { k6Calls: K6Calls }).k6Calls;
  try {
    mod.setup();
  } catch {
    // fail() threw; calls.failed holds its message
  }
  return calls;
}

describe('the generated k6 script logs in the same way', () => {
  const form = '<form><input name="username"><input name="password"></form>';

  it('fields.csrf false: no token is looked for or sent', async () => {
    const calls = await k6Setup(false, form);
    expect(calls.failed).toBeUndefined();
    expect(calls.selectors).toEqual([]);
    expect(calls.forms).toEqual([{ username: 'ada', password: 'pw-1' }]);
  });

  it('a form without the declared field fails setup, naming the field; with it, the token is sent', async () => {
    const missing = await k6Setup('_csrf', form);
    expect(missing.failed).toBe('login: GET /login answered 200 without a _csrf field');
    expect(missing.forms).toEqual([]);
    const present = await k6Setup('_csrf', '<input type="hidden" name="_csrf" value="t0k">');
    expect(present.forms).toEqual([{ _csrf: 't0k', username: 'ada', password: 'pw-1' }]);
  });
});
