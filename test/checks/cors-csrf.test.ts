import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoServer } from '../../demo/server.ts';
import { ObservationError } from '../../src/checks/authoring/errors.ts';
import { failedRules } from '../../src/checks/probes/assessment.ts';
import { assessCorsHeaders, checkCors } from '../../src/checks/probes/cors.ts';
import { checkCsrf } from '../../src/checks/probes/csrf.ts';
import { checkSessionCookies, hiddenField } from '../../src/checks/probes/form-session.ts';
import { startTestDemo, tempDirs } from '../demo/helpers.ts';
import { rejection } from '../unit/helpers.ts';

const EVIL = 'https://evil.example';

describe('assessCorsHeaders', () => {
  const judge = (h: Record<string, string>) => assessCorsHeaders(new Headers(h), EVIL, 'CORS GET').passed;

  it('fails the origin reflected, or *, together with credentials', () => {
    expect(judge({ 'access-control-allow-origin': EVIL, 'access-control-allow-credentials': 'true' })).toBe(
      false,
    );
    expect(judge({ 'access-control-allow-origin': '*', 'access-control-allow-credentials': 'TRUE' })).toBe(
      false,
    );
  });

  it('passes no CORS, a public API without credentials, or another (trusted) origin', () => {
    expect(judge({})).toBe(true);
    expect(judge({ 'access-control-allow-origin': '*' })).toBe(true);
    expect(judge({ 'access-control-allow-origin': EVIL, 'access-control-allow-credentials': 'false' })).toBe(
      true,
    );
    expect(
      judge({
        'access-control-allow-origin': 'https://app.example',
        'access-control-allow-credentials': 'true',
      }),
    ).toBe(true);
  });
});

/** Reflects the origin on preflights only: the GET looks safe, the preflight is not. */
let server: Server;
let base: string;
const dirs = tempDirs();
let demo: DemoServer;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.method === 'OPTIONS' && req.headers.origin) {
      res.setHeader('access-control-allow-origin', req.headers.origin);
      res.setHeader('access-control-allow-credentials', 'true');
    }
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  demo = await startTestDemo(dirs.make());
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await demo.close();
  dirs.cleanup();
});

describe('checkCors', () => {
  it('catches a policy that reflects only on preflight', async () => {
    const a = await checkCors(`${base}/api/data`, { origin: EVIL });
    expect(failedRules(a).map((r) => r.rule)).toEqual([`CORS preflight OPTIONS (POST) with Origin ${EVIL}`]);
    expect(a.evidence[0]!.body).toContain(`OPTIONS ${base}/api/data Origin: ${EVIL} -> 200`);
  });
});

describe('form sessions and the CSRF probe', () => {
  const login = { path: '/login', username: 'demo', password: 'demo-password' };

  it('reads hidden fields in either attribute order', () => {
    expect(hiddenField('<input type="hidden" name="_csrf" value="a1">', '_csrf')).toBe('a1');
    expect(hiddenField("<input value='b2' name='_csrf' type=hidden>", '_csrf')).toBe('b2');
    expect(hiddenField('<input name="other" value="x">', '_csrf')).toBeUndefined();
  });

  it('a refused login is an ObservationError naming the user, never the password', async () => {
    const e = await rejection(checkSessionCookies(demo.url, { ...login, password: 'wrong-Pa55word' }));
    expect(e).toBeInstanceOf(ObservationError);
    expect(e.message).toBe(`cannot log in at ${demo.url}/login as "demo": the login answered 401`);
    expect(e.message).not.toContain('wrong-Pa55word');
  });

  it('errors when the token page has no token, and when even the control request is refused', async () => {
    const noToken = await rejection(
      checkCsrf(demo.url, { path: '/api/preferences/noop', tokenPage: '/api/version', login }),
    );
    expect(noToken).toBeInstanceOf(ObservationError);
    expect(noToken.message).toBe(`no _csrf token on ${demo.url}/api/version for the logged-in user`);
    // A route that refuses everything cannot show that a missing token is what was refused.
    const e = await rejection(
      checkCsrf(demo.url, { path: '/api/nothing-here', tokenPage: '/estimates', login }),
    );
    expect(e).toBeInstanceOf(ObservationError);
    expect(e.message).toBe(
      'CSRF probe inconclusive: POST /api/nothing-here with a valid token answered 404, so a refusal without one proves nothing',
    );
  });
});
