import { afterEach, describe, expect, it } from 'vitest';
import type { DemoServer } from '../../demo/server.ts';
import { Client, startTestDemo, tempDirs } from './helpers.ts';

const dirs = tempDirs();
let demo: DemoServer | undefined;

afterEach(async () => {
  await demo?.close();
  demo = undefined;
  dirs.cleanup();
});

async function client(): Promise<Client> {
  demo = await startTestDemo(dirs.make());
  return new Client(demo.url);
}

describe('login', () => {
  it('renders the form with the fields the golden paths use', async () => {
    const html = await (await (await client()).get('/login')).text();
    expect(html).toContain('id="username" name="username"');
    expect(html).toContain('id="password" name="password" type="password"');
    expect(html).toMatch(/<button type="submit">Sign in<\/button>/);
    expect(html).toMatch(/type="hidden" name="_csrf" value="[\w-]+"/);
  });

  it('signs in, sets an HttpOnly SameSite=Lax session cookie (not Secure over HTTP) and redirects', async () => {
    const c = await client();
    const res = await c.login();
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/estimates');
    const cookie = res.headers.getSetCookie().find((v) => v.startsWith('demo_session='));
    expect(cookie).toMatch(/^demo_session=[\w-]{40,}; Path=\/; HttpOnly; SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    const page = await c.get('/estimates');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<h1>Estimates</h1>');
  });

  it('answers 401 with an alert for a wrong password or an unknown user', async () => {
    const c = await client();
    for (const [user, password] of [
      ['demo', 'nope'],
      ['nobody', 'demo-password'],
    ] as const) {
      const res = await c.login(user, password);
      expect(res.status).toBe(401);
      expect(res.headers.getSetCookie().some((v) => v.startsWith('demo_session='))).toBe(false);
      expect(await res.text()).toMatch(/<p role="alert" class="alert">Invalid username or password<\/p>/);
    }
  });

  it('refuses a login post without or with a wrong CSRF token (403)', async () => {
    const c = await client();
    await c.get('/login');
    expect((await c.post('/login', { username: 'demo', password: 'demo-password' })).status).toBe(403);
    const wrong = await c.post('/login', {
      _csrf: 'x'.repeat(43),
      username: 'demo',
      password: 'demo-password',
    });
    expect(wrong.status).toBe(403);
    // A token from another visitor's pre-session does not work either.
    const other = new Client(c.baseUrl);
    const foreign = await other.csrf('/login');
    expect(
      (await c.post('/login', { _csrf: foreign, username: 'demo', password: 'demo-password' })).status,
    ).toBe(403);
  });

  it('redirects / and protected pages by session state', async () => {
    const c = await client();
    expect((await c.get('/')).headers.get('location')).toBe('/login');
    expect((await c.get('/estimates')).headers.get('location')).toBe('/login');
    expect((await c.get('/estimates/new')).status).toBe(303);
    await c.login();
    expect((await c.get('/')).headers.get('location')).toBe('/estimates');
    expect((await c.get('/login')).headers.get('location')).toBe('/estimates');
  });

  it('signs out with CSRF and the old session id stops working', async () => {
    const c = await client();
    await c.login();
    const stolen = c.cookies.get('demo_session')!;
    const html = await (await c.get('/estimates')).text();
    const token = /action="\/logout"[\s\S]*?name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    expect(token).toBeTruthy();
    expect((await c.post('/logout', { _csrf: 'bad' })).status).toBe(403);
    const res = await c.post('/logout', { _csrf: token! });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login');
    const replay = new Client(c.baseUrl);
    replay.cookies.set('demo_session', stolen);
    expect((await replay.get('/estimates')).status).toBe(303);
  });
});
