import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { check, readVerdict, rollgate, tempReports } from '../e2e/helpers.ts';
import { locateSecret } from '../hygiene/secret-search.ts';
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

/** A gate whose temporary folder (its scratch folder under it) is the test's own, to look into after. */
async function gate(password: string, extra: string[] = [], env: Record<string, string> = {}) {
  const reports = tempReports();
  const tmp = mkdtempSync(path.join(tmpdir(), 'rollgate-auth-tmp-'));
  made.push(reports, tmp);
  const run = await rollgate(
    ['gate', 'canary', '--runbook', RUNBOOK, '--base-url', app.url, '--release', '1', ...extra],
    {
      ROLLGATE_REPORTS_DIR: reports,
      AUTH_USER: USER,
      AUTH_PASSWORD: password,
      TMPDIR: tmp,
      ...env,
    },
  );
  return { run, verdict: readVerdict(reports), reports, tmp };
}

/** Session files left anywhere under `dir`. */
const sessionFilesUnder = (dir: string) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) =>
    ['session.json', 'storage-state.json'].includes(path.basename(f)),
  );

test('issue 11 item 1: the gate signs in once and a suite reaches the protected page with the session', async () => {
  // --verbose streams the suite's output live: the session cookie it prints comes out masked.
  const { run, verdict, reports, tmp } = await gate(PASSWORD, ['--verbose'], { AUTH_PRINT_SESSION: '1' });
  expect(check(verdict, 'auth/sign-in').status, run.all).toBe('passed');
  // The suite read the session file in the run's scratch folder; the run removed it, and the
  // storage state beside it, when it ended.
  const sessionFile = /careless suite: session file (\S+)/.exec(run.all)?.[1];
  expect(sessionFile, run.all).toMatch(/[\\/]auth[\\/]session\.json$/);
  expect(path.relative(tmp, sessionFile!).startsWith('..'), sessionFile).toBe(false);
  expect(existsSync(sessionFile!)).toBe(false);
  expect(existsSync(path.join(path.dirname(sessionFile!), 'storage-state.json'))).toBe(false);
  expect(sessionFilesUnder(tmp)).toEqual([]);
  // No session id can be read in anything under reports/ (zips, gzip, base64 and escapes searched).
  expect(app.sessionIds().length).toBeGreaterThan(0);
  for (const sid of app.sessionIds()) expect(locateSecret(reports, sid), sid).toEqual([]);
  expect(locateSecret(reports, PASSWORD)).toEqual([]);
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
  const { run, verdict, reports, tmp } = await gate(wrong);
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
  // Nothing the run left under reports/ holds the password (zips, gzip, base64 and escapes searched),
  // and no session file was left behind.
  expect(locateSecret(reports, wrong)).toEqual([]);
  expect(sessionFilesUnder(tmp)).toEqual([]);
});
