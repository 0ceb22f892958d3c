import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { check, readVerdict, rollgate, tempReports } from '../e2e/helpers.ts';
import { type AuthApp, PASSWORD, startAuthApp, USER } from './server.ts';

const RUNBOOK = 'test/fixtures/runbooks/auth.runbook.ts';
let app: AuthApp;
const made: string[] = [];
beforeAll(async () => {
  app = await startAuthApp();
});
afterAll(async () => {
  await app.close();
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

async function gate(password: string, extra: string[] = [], env: Record<string, string> = {}) {
  const reports = tempReports();
  made.push(reports);
  const run = await rollgate(
    ['gate', 'canary', '--runbook', RUNBOOK, '--base-url', app.url, '--release', '1', ...extra],
    {
      ROLLGATE_REPORTS_DIR: reports,
      AUTH_USER: USER,
      AUTH_PASSWORD: password,
      ...env,
    },
  );
  return { run, verdict: readVerdict(reports), reports };
}

test('issue 11 item 1: the gate signs in once and a suite reaches the protected page with the session', async () => {
  // --verbose streams the suite's output live: the session cookie it prints comes out masked.
  const { run, verdict } = await gate(PASSWORD, ['--verbose'], { AUTH_PRINT_SESSION: '1' });
  expect(check(verdict, 'auth/sign-in').status, run.all).toBe('passed');
  expect(run.all).toContain('careless suite: session cookie ***');
  expect(app.sessionIds().length).toBeGreaterThan(0);
  for (const sid of app.sessionIds()) expect(run.all).not.toContain(sid);
  expect(check(verdict, 'auth/account-signed-in').status, run.all).toBe('passed');
  expect(verdict.verdict, run.all).toBe('promote');
  expect(run.exitCode, run.all).toBe(0);
  expect(run.all).not.toContain(PASSWORD);
});

test('a wrong password holds the gate with a reason naming the failed step; the password is nowhere', async () => {
  const wrong = 'Wr0ng-pa55word-xyz';
  const { run, verdict, reports } = await gate(wrong);
  const signIn = check(verdict, 'auth/sign-in');
  expect(signIn).toMatchObject({ status: 'errored', code: 'ROLLGATE_SIGN_IN_FAILED' });
  expect(signIn.message).toBe(
    'form login: POST /session answered 401 (body: "Invalid username or password")',
  );
  expect(run.exitCode, run.all).toBe(1);
  expect(run.all).toContain('POST /session answered 401');
  expect(run.all).not.toContain(wrong);
  expect(JSON.stringify(verdict)).not.toContain(wrong);
  expect(verdict.verdict).toBe('hold');
  expect(verdict.reasons.join('\n')).toContain('form login: POST /session answered 401');
  // Nothing the run left under reports/ holds the password.
  for (const f of readdirSync(reports, { recursive: true, encoding: 'utf8' })) {
    const file = path.join(reports, f);
    if (statSync(file).isFile()) expect(readFileSync(file, 'utf8'), f).not.toContain(wrong);
  }
});
