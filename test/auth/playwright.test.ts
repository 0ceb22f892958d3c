import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { signIn, writeSessionFiles } from '../../src/checks/auth/index.ts';
import { findChromium, NO_BROWSER_HELP } from '../../src/config/browser.ts';
import { playwrightInvocation, runnerCli } from '../../src/engine/run-config/invocation.ts';
import { FormAuth } from '../../src/model/declarations.ts';
import { Stage } from '../../src/model/runbook.ts';
import { type AuthApp, PASSWORD, startAuthApp, USER } from './server.ts';

const run = promisify(execFile);
let app: AuthApp;
const scratch = mkdtempSync(path.join(tmpdir(), 'rollgate-auth-pw-'));
beforeAll(async () => {
  app = await startAuthApp();
});
afterAll(async () => {
  await app.close();
  rmSync(scratch, { recursive: true, force: true });
});

test('issue 11 item 1: a golden path starts signed in from the run session; signedIn: false starts signed out (real Chromium)', async () => {
  const chromium = findChromium();
  if (!chromium) throw new Error(NO_BROWSER_HELP);
  const auth = FormAuth.parse({ type: 'form', usernameEnv: 'U', passwordEnv: 'P' });
  const { session } = await signIn(app.url, auth, { env: { U: USER, P: PASSWORD } });
  const sessionFile = writeSessionFiles(path.join(scratch, 'auth'), session);
  const stage = Stage.parse({
    target: 't',
    smoke: { specs: ['signed-in.spec.ts'] },
    playwright: { workers: 2 },
  });
  const inv = playwrightInvocation(import.meta.dirname, stage, { outputDir: path.join(scratch, 'pw') });
  const context = {
    baseURL: app.url,
    release: '1',
    stage: 't',
    runId: 'auth-test',
    evidenceDir: scratch,
    budgets: [],
    target: { auth },
    sessionFile,
  };
  const out = await run(process.execPath, [runnerCli('playwright'), 'test', ...inv.args], {
    cwd: import.meta.dirname,
    env: {
      ...process.env,
      ...inv.env,
      ROLLGATE_CONTEXT: JSON.stringify(context),
      ROLLGATE_CHROMIUM: chromium.executablePath,
      NO_COLOR: '1',
    },
  }).catch((e: { stdout: string; stderr: string }) => e);
  const text = `${out.stdout}\n${out.stderr}`;
  expect(text, text).toMatch(/2 passed/);
  expect(text).not.toMatch(/failed/);
});
