import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small app with the logins rollgate signs in through, on 127.0.0.1:
 * - GET /login: a search form, then the login form posting to /session with a CSRF token tied to a
 *   pre-session cookie, a hidden `next`, an unchecked checkbox and a submit button (`?lang=en`:
 *   a `lang` cookie too);
 * - POST /session: 403 on a CSRF mismatch, 401 with an alert on a wrong password, else a session
 *   cookie and two redirects (/welcome, then `next`);
 * - POST /api/auth/token: JSON `{ data: { accessToken } }`, 401 on a wrong password;
 * - GET /account: 200 "Signed in as demo" with the session cookie, the bearer token or the API key,
 *   else a redirect to /login.
 * Fault routes: /login200 (refuses with 200 and the form again), /quiet (refuses with 200, no
 * form and no cookie, after a pre-login cookie), /noform (no password form), /api/auth/empty (no token), /api/auth/echo (a 401
 * quoting the password), /echo-auth (a 403 quoting the Authorization header), /loop.
 */
export const USER = 'demo';
export const PASSWORD = 'pa55-W0rd!secret';
export const API_KEY = 'key-0123456789abcdef';

export interface AuthApp {
  url: string;
  /** The last form posted to /session, field by field. */
  lastForm?: Record<string, string>;
  /** Every session id issued so far (to search outputs for). */
  sessionIds(): string[];
  close(): Promise<void>;
}

const SECRET = randomBytes(16);
const csrfFor = (seed: string) => createHmac('sha256', SECRET).update(seed).digest('hex').slice(0, 24);

function cookies(req: IncomingMessage): Record<string, string> {
  return Object.fromEntries(
    (req.headers.cookie ?? '')
      .split(';')
      .map((c) => c.trim().split('='))
      .filter(([k]) => k)
      .map(([k, ...v]) => [k!, v.join('=')]),
  );
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const page = (title: string, inner: string) =>
  `<!doctype html><html><head><title>${title}</title><style>p{}</style></head><body><h1>${title}</h1>${inner}</body></html>`;

function loginPage(csrf: string, alert = ''): string {
  return page(
    'Sign in',
    `${alert ? `<p role="alert" class="error">${alert}</p>` : ''}
    <form action="/search" method="get"><input name="q" value=""><button>Search</button></form>
    <!-- <form><input type="password" name="decoy"></form> -->
    <form method="post" action="/session" id="login">
      <input type="hidden" name="_csrf" value="${csrf}">
      <input type="hidden" name="next" value="/account?tab=profile&amp;x=1">
      <label>Username <input id="username" name="username" type="text"></label>
      <label>Password <input id="password" name="password" type="password"></label>
      <label><input type="checkbox" name="remember"> remember me</label>
      <button type="submit">Sign in</button>
    </form>`,
  );
}

export async function startAuthApp(): Promise<AuthApp> {
  const sessions = new Set<string>();
  const tokens = new Set<string>();
  const app: AuthApp = { url: '', sessionIds: () => [...sessions], close: async () => undefined };
  const signedIn = (req: IncomingMessage) =>
    sessions.has(cookies(req).sid ?? '') ||
    tokens.has((req.headers.authorization ?? '').replace(/^Bearer /, '')) ||
    req.headers['x-api-key'] === API_KEY;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, text: string, headers: Record<string, string | string[]> = {}) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
      res.end(text);
    };
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (req.method === 'GET' && url.pathname === '/login') {
      const seed = cookies(req).csrf_seed ?? randomBytes(8).toString('hex');
      // `?lang=en`: a short cookie that is no secret (a language), set before the login.
      const lang = url.searchParams.get('lang');
      return send(200, loginPage(csrfFor(seed)), {
        'set-cookie': [
          `csrf_seed=${seed}; Path=/; HttpOnly; SameSite=Strict`,
          ...(lang ? [`lang=${lang}; Path=/; SameSite=Lax`] : []),
        ],
      });
    }
    if (req.method === 'POST' && url.pathname === '/session') {
      const form = Object.fromEntries(new URLSearchParams(await body(req)));
      app.lastForm = form;
      const seed = cookies(req).csrf_seed;
      if (!seed || form._csrf !== csrfFor(seed))
        return send(403, page('Forbidden', '<p>CSRF token mismatch</p>'));
      if (form.username !== USER || form.password !== PASSWORD)
        return send(401, loginPage(csrfFor(seed), 'Invalid username or password'));
      const sid = randomBytes(12).toString('hex');
      sessions.add(sid);
      return send(302, '', {
        location: `/welcome?next=${encodeURIComponent(form.next ?? '/')}`,
        'set-cookie': [`sid=${sid}; Path=/; HttpOnly; SameSite=Lax`, 'csrf_seed=; Path=/; Max-Age=0'],
      });
    }
    if (url.pathname === '/welcome') return send(303, '', { location: url.searchParams.get('next') ?? '/' });
    if (url.pathname === '/account') {
      if (!signedIn(req)) return send(302, '', { location: '/login' });
      return send(200, page('Account', `<p id="who">Signed in as ${USER}</p>`));
    }
    // An app that refuses a login with 200 and its form again (and a cookie), not with a 4xx.
    if (url.pathname === '/login200') {
      const form =
        '<form method="post"><input name="username"><input type="password" name="password"></form>';
      const alert = req.method === 'POST' ? '<div class="flash error">Wrong credentials</div>' : '';
      return send(200, page('Sign in', alert + form), { 'set-cookie': 'visit=1; Path=/' });
    }
    // An app that refuses a login silently: 200, no form again, no cookie; its page set one before.
    if (url.pathname === '/quiet') {
      if (req.method === 'POST') return send(200, page('Thanks', '<p>Request received</p>'));
      return send(200, loginPage('x').replace('action="/session"', 'action="/quiet"'), {
        'set-cookie': 'csrf_seed=0123456789abcdef; Path=/; HttpOnly',
      });
    }
    if (url.pathname === '/noform') return send(200, page('Nothing here', '<form><input name="q"></form>'));
    if (url.pathname === '/loop') return send(302, '', { location: '/loop' });
    if (url.pathname === '/echo-auth')
      return send(403, `token ${req.headers.authorization ?? 'none'} is not allowed here`, {
        'content-type': 'text/plain',
      });
    if (req.method === 'POST' && url.pathname.startsWith('/api/auth/')) {
      const sent = JSON.parse(await body(req)) as { email?: string; password?: string };
      if (url.pathname === '/api/auth/echo') return json(401, { error: 'bad password', got: sent.password });
      if (url.pathname === '/api/auth/empty') return json(200, { error: 'no token for you' });
      if (sent.email !== USER || sent.password !== PASSWORD)
        return json(401, { error: 'invalid credentials' });
      const token = `tok_${randomBytes(16).toString('hex')}`;
      tokens.add(token);
      return json(200, { data: { accessToken: token, expiresIn: 3600 } });
    }
    send(404, page('Not found', ''));
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      res.writeHead(500);
      res.end(error.message);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  app.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  app.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return app;
}
