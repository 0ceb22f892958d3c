import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { signIn, writeSessionFiles } from '../../src/checks/auth/index.ts';
import { findChromium, NO_BROWSER_HELP } from '../../src/config/browser.ts';
import { statusOf } from '../../src/engine/collect.ts';
import { playwrightInvocation, runnerCli } from '../../src/engine/run-config/invocation.ts';
import { reporterPath } from '../../src/engine/run-config/settings.ts';
import { FormAuth } from '../../src/model/declarations.ts';
import { RawResults } from '../../src/model/raw-result.ts';
import { Stage } from '../../src/model/runbook.ts';
import { type AuthApp, PASSWORD, startAuthApp, USER } from './server.ts';

const run = promisify(execFile);
let app: AuthApp;
const scratch = mkdtempSync(path.join(tmpdir(), 'rollgate-auth-pw-'));
const auth = FormAuth.parse({ type: 'form', usernameEnv: 'U', passwordEnv: 'P' });
beforeAll(async () => {
  app = await startAuthApp();
});
afterAll(async () => {
  await app.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs signed-in.spec.ts under rollgate's reporter with a run's context; each test's status as the engine sees it. */
async function runSpec(name: string, sessionFile: string | undefined) {
  const chromium = findChromium();
  if (!chromium) throw new Error(NO_BROWSER_HELP);
  const stage = Stage.parse({
    target: 't',
    smoke: { specs: ['signed-in.spec.ts'] },
    playwright: { workers: 2 },
  });
  const inv = playwrightInvocation(import.meta.dirname, stage, {
    outputDir: path.join(scratch, name),
    reporter: reporterPath('playwright-reporter'),
  });
  const rawFile = path.join(scratch, `${name}.json`);
  const context = {
    baseURL: app.url,
    release: '1',
    stage: 't',
    runId: `auth-${name}`,
    evidenceDir: scratch,
    budgets: [],
    target: { auth },
    ...(sessionFile ? { sessionFile } : {}),
  };
  await run(process.execPath, [runnerCli('playwright'), 'test', ...inv.args], {
    cwd: import.meta.dirname,
    env: {
      ...process.env,
      ...inv.env,
      ROLLGATE_CONTEXT: JSON.stringify(context),
      ROLLGATE_CHROMIUM: chromium.executablePath,
      ROLLGATE_RAW_FILE: rawFile,
      NO_COLOR: '1',
    },
  }).catch(() => undefined); // a failing test exits 1: the raw results say what happened
  const raw = RawResults.parse(JSON.parse(readFileSync(rawFile, 'utf8')));
  return Object.fromEntries(raw.tests.map((t) => [t.titlePath.at(-1), statusOf(t)]));
}

test('issue 11 item 1: a golden path starts signed in from the run session; signedIn: false starts signed out (real Chromium)', async () => {
  const { session } = await signIn(app.url, auth, { env: { U: USER, P: PASSWORD } });
  const sessionFile = writeSessionFiles(path.join(scratch, 'auth'), session);
  expect(await runSpec('signed-in', sessionFile)).toEqual({
    'a golden path starts signed in from the storage state': { status: 'passed' },
    'starts signed out with signedIn: false': { status: 'passed' },
  });
});

test('the sign-in failed (no session): a golden path starting signed in is errored pointing at auth/sign-in, before its body runs; signedIn: false still runs (real Chromium)', async () => {
  const results = await runSpec('no-session', undefined);
  expect(results['starts signed out with signedIn: false']).toEqual({ status: 'passed' });
  const signedIn = results['a golden path starts signed in from the storage state'];
  expect(signedIn).toMatchObject({ status: 'errored', code: 'ROLLGATE_NOT_SIGNED_IN' });
  expect(signedIn?.message).toContain('the sign-in failed (see auth/sign-in)');
  // Errored before the body: not the body's signed-out redirect to /login.
  expect(signedIn?.message).not.toMatch(/GET \/account|Signed in as/);
});
