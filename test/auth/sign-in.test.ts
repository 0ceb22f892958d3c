import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  readSession,
  SignInError,
  sessionHeaders,
  signedInClient,
  signIn,
} from '../../src/checks/auth/index.ts';
import { readStorageState } from '../../src/checks/auth/session-files.ts';
import { ObservationError } from '../../src/checks/authoring/errors.ts';
import { parseForms } from '../../src/checks/probes/form-session.ts';
import { probe } from '../../src/checks/probes/http.ts';
import { createMasker, maskDeep } from '../../src/config/mask.ts';
import { signInStep } from '../../src/engine/steps/sign-in-step.ts';
import type { StepContext } from '../../src/engine/steps/step.ts';
import { type Auth, FormAuth, HeaderAuth, JsonAuth } from '../../src/model/declarations.ts';
import { API_KEY, type AuthApp, PASSWORD, startAuthApp, USER } from './server.ts';

let app: AuthApp;
beforeAll(async () => {
  app = await startAuthApp();
});
afterAll(() => app.close());

/** `${NAME}`: a template reading the environment. */
const t = (name: string) => `\${${name}}`;
const env = { SMOKE_USER: USER, SMOKE_PASSWORD: PASSWORD, API_KEY, REMEMBER: 'yes' };
const form = FormAuth.parse({
  type: 'form',
  path: '/login',
  usernameEnv: 'SMOKE_USER',
  passwordEnv: 'SMOKE_PASSWORD',
  fields: { remember: t('REMEMBER') },
  verify: '/account',
});
const json = JsonAuth.parse({
  type: 'json',
  path: '/api/auth/token',
  body: { email: t('SMOKE_USER'), password: t('SMOKE_PASSWORD') },
  tokenPath: 'data.accessToken',
  verify: '/account',
});
const header = HeaderAuth.parse({
  type: 'header',
  header: 'X-Api-Key',
  value: t('API_KEY'),
  verify: '/account',
});

/** The SignInError a login throws (or fails the test). */
async function refusal(auth: Auth, e: NodeJS.ProcessEnv = env): Promise<SignInError> {
  const error = await signIn(app.url, auth, { env: e }).then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(error).toBeInstanceOf(SignInError);
  expect((error as SignInError).code).toBe('ROLLGATE_SIGN_IN_FAILED');
  return error as SignInError;
}

async function account(headers: Record<string, string>) {
  return probe(`${app.url}/account`, { headers });
}

describe('issue 11 item 1: signing in once per target', () => {
  test('form login posts every field of the password form (CSRF tied to its cookie, next, extras), follows the redirects and its cookies reach a protected page', async () => {
    const { session, secrets } = await signIn(app.url, form, { env });
    expect(app.lastForm).toEqual({
      _csrf: expect.stringMatching(/^[0-9a-f]{24}$/),
      next: '/account?tab=profile&x=1',
      username: USER,
      password: PASSWORD,
      remember: 'yes',
    });
    expect(session.type).toBe('form');
    // The pre-session cookie was deleted by the login; the session cookie stays, with its attributes.
    expect(session.cookies.map((c) => [c.name, c.domain, c.path, c.httpOnly, c.sameSite])).toEqual([
      ['sid', '127.0.0.1', '/', true, 'Lax'],
    ]);
    const page = await account(sessionHeaders(session));
    expect(page.status).toBe(200);
    expect(page.body).toContain(`Signed in as ${USER}`);
    expect(secrets).toEqual(expect.arrayContaining([PASSWORD, session.cookies[0]!.value]));
    // Without the session the page is closed: the check above can fail.
    expect((await account({})).status).toBe(302);
  });

  test('a short non-session cookie (lang=en) and a short template value are no secrets: the session id and the Cookie header are', async () => {
    const { session, secrets } = await signIn(app.url, { ...form, path: '/login?lang=en' }, { env });
    expect(session.cookies.map((c) => [c.name, c.httpOnly])).toEqual([
      ['lang', false],
      ['sid', true],
    ]);
    const sid = session.cookies[1]!.value;
    expect(session.headers).toEqual({ Cookie: `lang=en; sid=${sid}` });
    expect(secrets).toEqual(expect.arrayContaining([PASSWORD, sid, `lang=en; sid=${sid}`]));
    expect(secrets).not.toContain('en');
    expect(secrets).not.toContain('yes'); // ${REMEMBER}
    // What the run masks with them: the session id and the password, not every "en" of a verdict.
    const mask = createMasker(secrets);
    const verdict = { evidence: `sid=${sid} (lang en, remember: yes)`, reasons: [`sent ${PASSWORD}`] };
    expect(maskDeep(verdict, mask)).toEqual({
      evidence: 'sid=*** (lang en, remember: yes)',
      reasons: ['sent ***'],
    });
  });

  test('json login reads the token at its dotted path and sends it as a bearer header', async () => {
    const { session, secrets } = await signIn(app.url, json, { env });
    const value = session.headers.Authorization!;
    expect(value).toMatch(/^Bearer tok_[0-9a-f]{32}$/);
    expect(secrets).toEqual(expect.arrayContaining([PASSWORD, value.slice('Bearer '.length)]));
    expect((await account(sessionHeaders(session))).status).toBe(200);
  });

  test('header login sends the static header from the environment', async () => {
    const { session, secrets } = await signIn(app.url, header, { env });
    expect(session).toEqual({ type: 'header', headers: { 'X-Api-Key': API_KEY }, cookies: [] });
    expect(secrets).toContain(API_KEY);
  });

  test('a wrong password fails naming the step, the status and what the page said; never the password', async () => {
    const wrong = { ...env, SMOKE_PASSWORD: 'not-the-Pa55word' };
    const f = await refusal(form, wrong);
    expect(f.message).toBe('form login: POST /session answered 401 (body: "Invalid username or password")');
    const j = await refusal(json, wrong);
    expect(j.message).toBe(
      'json login: POST /api/auth/token answered 401 (body: "{"error":"invalid credentials"}")',
    );
    for (const m of [f.message, j.message]) expect(m).not.toContain('not-the-Pa55word');
  });

  test('a page without a password form, a token path the answer lacks, a verify page that redirects, a variable not set', async () => {
    expect((await refusal({ ...form, path: '/login200' })).message).toBe(
      'form login: POST /login200 answered 200 (body: "Wrong credentials"), the login form again',
    );
    // No verify declared: only the cookie the POST sets can prove the login (the page's csrf_seed cannot).
    expect((await refusal({ ...form, path: '/quiet', verify: undefined })).message).toBe(
      'form login: POST /quiet answered 200 (body: "Thanks Request received") but set no session cookie',
    );
    expect((await refusal({ ...form, path: '/noform' })).message).toBe(
      'form login: GET /noform has no form with a password field',
    );
    expect((await refusal({ ...json, path: '/api/auth/empty' })).message).toBe(
      'json login: POST /api/auth/empty answered 200 but data.accessToken is absent (keys: error)',
    );
    // Own properties only: `constructor` of the answer's object is no token (it was "a function, not a token").
    expect((await refusal({ ...json, tokenPath: 'data.constructor' })).message).toBe(
      'json login: POST /api/auth/token answered 200 but data.constructor is absent (keys: accessToken, expiresIn)',
    );
    expect((await refusal(header, { ...env, API_KEY: 'wrong-key' })).message).toBe(
      'verify: GET /account answered 302 to /login',
    );
    expect((await refusal(form, { SMOKE_USER: USER })).message).toBe(
      'form login: env SMOKE_PASSWORD is not set',
    );
    expect((await refusal(header, {})).message).toBe('header login: env API_KEY is not set');
    expect((await refusal({ ...form, path: '/loop' })).message).toMatch(
      /^form login: GET \/loop redirected more than 10 times/,
    );
  });

  test('a body quoting the password or the token is masked in the message', async () => {
    const echoed = await refusal({ ...json, path: '/api/auth/echo' });
    expect(echoed.message).toBe(
      'json login: POST /api/auth/echo answered 401 (body: "{"error":"bad password","got":"***"}")',
    );
    const token = await refusal({ ...json, verify: '/echo-auth' });
    expect(token.message).toBe('verify: GET /echo-auth answered 403 (body: "token *** is not allowed here")');
    expect(token.message).not.toContain('tok_');
  });

  test('the form parser submits what a browser would: checked boxes, the selected option, textareas, decoded values; no buttons or disabled fields', () => {
    const [f] = parseForms(`<form action='/in'>
      <input type=hidden name=a value="x &quot;y&quot; &#39;z&#x27;">
      <input type="checkbox" name="keep" checked><input type="radio" name="r" value="1"><input type="radio" name="r" value="2" checked>
      <select name="s"><option value="one">One</option><option selected>Two</option></select>
      <select name="first"><option value="f">F</option></select>
      <textarea name="t">
line &amp; more</textarea>
      <input name="off" value="no" disabled><input type="submit" name="go" value="Go"><input type="password" name="pw">
    </form>`);
    expect(f?.fields).toEqual([
      ['a', `x "y" 'z'`],
      ['keep', 'on'],
      ['r', '2'],
      ['s', 'Two'],
      ['first', 'f'],
      ['t', 'line & more'],
      ['pw', ''],
    ]);
    expect(f?.passwordFields).toEqual(['pw']);
  });

  test('the form parser finds the login form past a search form and a commented-out decoy', async () => {
    const forms = parseForms((await probe(`${app.url}/login`)).body);
    expect(forms.map((f) => [f.action, f.method, f.passwordFields])).toEqual([
      ['/search', 'get', []],
      ['/session', 'post', ['password']],
    ]);
  });
});

describe('the sign-in step', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'rollgate-auth-test-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const ctx = (auth: Auth, e: NodeJS.ProcessEnv = env) =>
    ({
      gate: { targetName: 'app', target: { auth } },
      env: e,
      scratchDir: scratch,
    }) as unknown as StepContext;

  test('writes a 0600 session file (and storage state) in scratch, returns its secrets and a passed auth/sign-in', async () => {
    const r = await signInStep({ baseURL: app.url }).run(ctx(form));
    expect(r.check?.status, r.check?.message).toBe('passed');
    expect(r.check).toMatchObject({ id: 'auth/sign-in', suite: 'auth', kind: 'harness' });
    expect(r.check?.measurements[0]).toMatchObject({ name: 'sign-in-time', unit: 'ms', passed: true });
    expect(r.sessionFile?.startsWith(scratch)).toBe(true);
    expect(statSync(r.sessionFile!).mode & 0o777).toBe(0o600);
    const session = readSession(r.sessionFile!);
    expect((await account(sessionHeaders(session))).status).toBe(200);
    expect(readStorageState(r.sessionFile!)?.cookies.map((c) => c.name)).toEqual(['sid']);
    expect(r.secrets).toEqual(expect.arrayContaining([PASSWORD, session.cookies[0]!.value]));
    expect(r.secrets).not.toContain('yes'); // ${REMEMBER}: too short to mask
  });

  test('signedInClient(context) sends the run session on every request; without a session it refuses', async () => {
    const r = await signInStep({ baseURL: app.url }).run(ctx(json));
    const client = signedInClient({ target: { auth: json } as never, sessionFile: r.sessionFile }, env);
    const page = await client.request(`${app.url}/account`);
    expect(page.status).toBe(200);
    expect(client.mask(JSON.stringify(readSession(r.sessionFile!)))).not.toContain('tok_');
    const refused = (sessionFile?: string, target: object = { auth: json }) => {
      try {
        signedInClient({ target: target as never, sessionFile }, env);
      } catch (error) {
        expect(error).toBeInstanceOf(ObservationError);
        return error as ObservationError;
      }
      throw new Error('signedInClient did not refuse');
    };
    expect(refused(undefined, {})).toMatchObject({ code: 'ROLLGATE_NOT_SIGNED_IN' });
    expect(refused(undefined, {}).message).toMatch(/declares no auth/);
    expect(refused(undefined)).toMatchObject({ code: 'ROLLGATE_NOT_SIGNED_IN' });
    // A missing or corrupt session file: errored (ObservationError), not a raw ENOENT or ZodError.
    const missing = path.join(scratch, 'gone', 'session.json');
    expect(refused(missing)).toMatchObject({
      code: 'ROLLGATE_NOT_SIGNED_IN',
      message: `signedInClient asks for the signed-in session, and the session file ${missing} cannot be read: it does not exist (the run removes it when it ends)`,
    });
    const corrupt = path.join(scratch, 'corrupt.json');
    writeFileSync(corrupt, JSON.stringify({ type: 'form', headers: { Cookie: 1 }, cookies: [] }));
    expect(refused(corrupt).message).toBe(
      `signedInClient asks for the signed-in session, and the session file ${corrupt} cannot be read: it is not a session (headers.Cookie: Invalid input: expected string, received number)`,
    );
    writeFileSync(corrupt, '{"type":');
    expect(refused(corrupt)).toMatchObject({
      code: 'ROLLGATE_NOT_SIGNED_IN',
      message: expect.stringMatching(/it is not JSON$/),
    });
  });

  test('a wrong password errors auth/sign-in with the failed step, masked, and writes no session', async () => {
    const r = await signInStep({ baseURL: app.url }).run(
      ctx(form, { ...env, SMOKE_PASSWORD: 'nope-nope-nope' }),
    );
    expect(r.check).toMatchObject({
      status: 'errored',
      code: 'ROLLGATE_SIGN_IN_FAILED',
      message: 'form login: POST /session answered 401 (body: "Invalid username or password")',
    });
    expect(r.sessionFile).toBeUndefined();
    expect(r.secrets).toContain('nope-nope-nope');
  });

  test('a target that did not start errors the check without trying; no auth, no check', async () => {
    const r = await signInStep({ baseURL: app.url, notRun: 'target exited' }).run(ctx(form));
    expect(r.check).toMatchObject({ status: 'errored', message: 'not run: target exited' });
    const none = await signInStep({ baseURL: app.url }).run({
      gate: { target: {} },
      env,
    } as unknown as StepContext);
    expect(none).toEqual({ secrets: [] });
  });
});
