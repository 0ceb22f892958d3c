import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signIn, writeSessionFiles } from '../../src/checks/auth/index.ts';
import { profileToK6Script } from '../../src/checks/load/k6-script.ts';
import { K6_SESSION_ENV } from '../../src/checks/load/login.ts';
import { parseLoadProfile } from '../../src/checks/load/profile.ts';
import { runLoadProfile } from '../../src/checks/load/run-profile.ts';
import { JsonAuth } from '../../src/model/declarations.ts';
import { importWithK6Stubs } from '../load/helpers.ts';
import { rejection } from '../unit/helpers.ts';
import { type AuthApp, PASSWORD, startAuthApp, USER } from './server.ts';

let app: AuthApp;
let contextEnv: Record<string, string>;
let token: string;
const scratch = mkdtempSync(path.join(tmpdir(), 'rollgate-auth-load-'));
beforeAll(async () => {
  app = await startAuthApp();
  const auth = JsonAuth.parse({
    type: 'json',
    path: '/api/auth/token',
    body: { email: `\${U}`, password: `\${P}` },
    tokenPath: 'data.accessToken',
  });
  const { session } = await signIn(app.url, auth, { env: { U: USER, P: PASSWORD } });
  token = session.headers.Authorization!.slice('Bearer '.length);
  const sessionFile = writeSessionFiles(path.join(scratch, 'auth'), session);
  contextEnv = { ROLLGATE_CONTEXT: JSON.stringify({ baseURL: app.url, sessionFile }) };
});
afterAll(async () => {
  await app.close();
  rmSync(scratch, { recursive: true, force: true });
});

// Only a signed-in request gets 200 from /account (else a 302 to /login, which the endpoint refuses).
const profile = parseLoadProfile({
  name: 'signed-in',
  endpoints: [{ path: '/account', expectStatus: [200] }],
  auth: { session: 'target' },
  connections: 2,
  duration: '300ms',
  stages: ['canary'],
});
// Judged on whatever a short run sends: the test is about every request being signed in, not volume.
const budgets = [{ name: 'error-rate', operator: '<' as const, value: 0.01, lowVolume: 'judge' as const }];

describe("load with auth session 'target' sends the run's session", () => {
  test('the embedded engine: every request is signed in', async () => {
    const r = await runLoadProfile({
      profile,
      baseURL: app.url,
      stage: 'canary',
      budgets,
      engine: 'autocannon',
      env: contextEnv,
    });
    expect(r.samples.length).toBeGreaterThan(0);
    expect(r.samples.filter((s) => s.status !== 200)).toEqual([]);
    expect(r.status).toBe('passed');
  });

  test('without a session in the run the load refuses to run anonymous', async () => {
    const e = await rejection(
      runLoadProfile({ profile, baseURL: app.url, stage: 'canary', budgets, engine: 'autocannon', env: {} }),
    );
    expect(e).toMatchObject({ code: 'ROLLGATE_LOAD_LOGIN' });
    expect(e.message).toMatch(/the run has no session/);
  });

  test('a profile gives one of session or login', () => {
    const bad = { ...profile, auth: {} };
    expect(() => parseLoadProfile({ ...bad, duration: 300 })).toThrow(/auth: give one of session: 'target'/);
  });

  test('the k6 script reads the session headers from its environment, never from the file', async () => {
    const script = profileToK6Script(profile, { baseURL: app.url, budgets });
    expect(script).not.toContain(token);
    const headers = JSON.stringify({ Authorization: `Bearer ${token}` });
    const mod = (await importWithK6Stubs(mkdtempSync(path.join(scratch, 'k6-')), script, {
      index: `globalThis.__ENV = { ${K6_SESSION_ENV}: ${JSON.stringify(headers)} }; export const fail = (m) => { throw new Error(m); };`,
      http: 'export default { expectedStatuses: () => ({}), request: (...a) => { globalThis.k6Request = a; } };',
    })) as { setup(): { headers: Record<string, string> }; default(data: unknown): void };
    const data = mod.setup();
    expect(data.headers).toEqual({ Authorization: `Bearer ${token}` });
    mod.default(data);
    const [, , , params] = (
      globalThis as unknown as { k6Request: [string, string, unknown, { headers: object }] }
    ).k6Request;
    expect(params.headers).toEqual({ Authorization: `Bearer ${token}` });
  });
});
