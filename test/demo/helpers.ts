import { join } from 'node:path';
import { type DemoOptions, type DemoServer, startDemo } from '../../demo/server.ts';
import { tempDirs as sharedTempDirs } from '../unit/helpers.ts';

/** A fresh directory per call; `cleanup` removes them all (call it in afterEach/afterAll). */
export const tempDirs = () => sharedTempDirs('rollgate-demo-');

/** Starts a real demo on 127.0.0.1, a random port and a SQLite file in `dir`. */
export function startTestDemo(dir: string, opts: Partial<DemoOptions> = {}): Promise<DemoServer> {
  return startDemo({ databaseUrl: `sqlite:${join(dir, 'demo.sqlite')}`, version: '1.2.3', ...opts });
}

type Form = Record<string, string | string[]>;

/** A tiny cookie-keeping HTTP client: enough of a browser to walk the forms, no redirects followed. */
export class Client {
  readonly cookies = new Map<string, string>();
  constructor(readonly baseUrl: string) {}

  async request(path: string, init: { method?: string; form?: Form; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookies.size > 0) {
      headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    let body: string | undefined;
    if (init.form) {
      const params = new URLSearchParams();
      for (const [name, value] of Object.entries(init.form)) {
        for (const item of Array.isArray(value) ? value : [value]) params.append(name, item);
      }
      body = params.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(this.baseUrl + path, {
      method: init.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      redirect: 'manual',
    });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index);
      if (/;\s*Max-Age=0\b/i.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(index + 1));
    }
    return res;
  }

  get(path: string) {
    return this.request(path);
  }

  post(path: string, form: Form) {
    return this.request(path, { method: 'POST', form });
  }

  /** GETs a page and returns the CSRF token of its first form. */
  async csrf(path: string): Promise<string> {
    return csrfFrom(await (await this.get(path)).text());
  }

  async login(username = 'demo', password = 'demo-password') {
    const _csrf = await this.csrf('/login');
    return this.post('/login', { _csrf, username, password });
  }
}

export function csrfFrom(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error(`no _csrf field in page:\n${html.slice(0, 500)}`);
  return token;
}
