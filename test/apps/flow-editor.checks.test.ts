import { randomBytes } from 'node:crypto';
import { closeSync, cpSync, openSync, readSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSessionFiles } from '../../src/checks/auth/session-files.ts';
import { signIn } from '../../src/checks/auth/sign-in.ts';
import type { TargetDeclaration } from '../../src/checks/authoring/target-context.ts';
import { takeBackup } from '../../src/checks/backup/take-backup.ts';
import { verifyBackup } from '../../src/checks/backup/verify-backup.ts';
import type { BuiltinRun } from '../../src/checks/builtin/index.ts';
import { flowServer } from '../fixtures/apps/flow-editor/server.ts';
import { FlowStore } from '../fixtures/apps/flow-editor/store.ts';
import { VERSION } from '../fixtures/apps/flow-editor/version.ts';
import type { Fault } from '../fixtures/apps/kit.ts';
import { declarationOf, loadApp, ROOT, runBuiltins, serve, statuses, tempDirs } from './helpers.ts';

/**
 * flow-editor's fault matrix at check level: the runbook's own declarations and the built-in check
 * modules against in-process servers of the app (healthy, health-500, slow) on one data folder.
 * The gates themselves run in flow-editor.gates.test.ts.
 */
const PASSWORD = `pw-${randomBytes(9).toString('base64url')}`;
const LEAKED = `Lk-${randomBytes(9).toString('base64url')}`;

const dirs = tempDirs();
let dataDir: string;
let store: FlowStore;
let declaration: TargetDeclaration;
let checks: Parameters<typeof runBuiltins>[0];
const apps: Partial<Record<'healthy' | Fault, { url: string; close: () => Promise<void> }>> = {};
let sessionFile: string;

const env = () => ({
  ...process.env,
  FLOW_DATA_DIR: dataDir,
  FLOW_USER: 'editor',
  FLOW_PASSWORD: PASSWORD,
  FLOW_SESSION_SECRET: 'a-session-secret-for-tests',
});
const runOn = (baseURL: string, o: Partial<BuiltinRun> = {}): BuiltinRun => ({
  baseURL,
  release: VERSION,
  env: env(),
  root: ROOT,
  sessionFile,
  ...o,
});
const start = (faults: Fault[]) =>
  serve(
    flowServer({
      store,
      faults: new Set(faults),
      account: { user: 'editor', password: PASSWORD },
      secret: randomBytes(16).toString('hex'),
    }),
  );

beforeAll(async () => {
  const rb = await loadApp('flow-editor');
  declaration = declarationOf(rb, 'staging');
  checks = rb.stages.staging!.checks;
  dataDir = dirs.make();
  store = new FlowStore(dataDir);
  await store.prepare();
  await store.create('Nightly import');
  [apps.healthy, apps['health-500'], apps.slow] = await Promise.all([
    start([]),
    start(['health-500']),
    start(['slow']),
  ]);
  const signed = await signIn(apps.healthy!.url, declaration.auth!, { env: env() });
  sessionFile = writeSessionFiles(dirs.make(), signed.session);
});

afterAll(async () => {
  await Promise.all(Object.values(apps).map((a) => a?.close()));
  dirs.cleanup();
});

describe('flow-editor at check level', () => {
  it('healthy: the form login (hidden _csrf and next posted to the form action) signs in and every staging built-in passes', async () => {
    const r = await runBuiltins(checks, declaration, runOn(apps.healthy!.url));
    expect(statuses(r), JSON.stringify(r)).toEqual({
      'probes/health-status': 'passed',
      'probes/version-matches': 'passed',
      'security/headers': 'passed',
      'security/csrf': 'passed',
      'security/session-cookie': 'passed',
      'hygiene/secret-scan': 'passed',
      'hygiene/runtime-config': 'passed',
    });
  });

  it("the CSP's 'unsafe-eval' passes only because the runbook allows it, with its reason", async () => {
    const strict = {
      ...declaration,
      security: { ...declaration.security!, headerRules: {} },
    } satisfies TargetDeclaration;
    const r = await runBuiltins(['security-headers'], strict, runOn(apps.healthy!.url));
    expect(r['security/headers']).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining("'unsafe-eval'"),
    });
  });

  it('app stopped: sign-in and health error on the refused connection', async () => {
    const gone = await start([]);
    await gone.close();
    await expect(signIn(gone.url, declaration.auth!, { env: env() })).rejects.toThrow(/refused/);
    const r = await runBuiltins(['health', 'version'], declaration, runOn(gone.url));
    for (const id of ['probes/health-status', 'probes/version-matches']) {
      expect(r[id]).toMatchObject({ status: 'errored', reason: expect.stringMatching(/connection refused/) });
    }
  });

  it('wrong password: the form sign-in fails naming the POST and its 401, never the password', async () => {
    const wrong = `wrong-${randomBytes(6).toString('hex')}`;
    const error = await signIn(apps.healthy!.url, declaration.auth!, {
      env: { ...env(), FLOW_PASSWORD: wrong },
    }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/POST \/session answered 401/);
    expect((error as Error).message).toContain('Wrong user or password');
    expect((error as Error).message).not.toContain(wrong);
  });

  it('health answering 500: probes/health-status fails on its status and state', async () => {
    const r = await runBuiltins(['health'], declaration, runOn(apps['health-500']!.url));
    expect(r['probes/health-status']).toMatchObject({ status: 'failed' });
    expect(r['probes/health-status']!.reason).toMatch(/status: seen 500; expected 200/);
    expect(r['probes/health-status']!.reason).toMatch(/json state: seen red; expected green/);
  });

  it('a latency budget it cannot meet: probes/health-status fails on latency, over 500 ms', async () => {
    const r = await runBuiltins(['health'], declaration, runOn(apps.slow!.url));
    expect(r['probes/health-status']).toMatchObject({ status: 'failed' });
    expect(r['probes/health-status']!.reason).toMatch(/latency: seen \d+ \(\d+ ms, over the 500 ms budget\)/);
    expect(r['probes/health-status']!.reason).not.toMatch(/status:/);
  });

  /** The shipped deploy folder, copied to scratch with one file changed. */
  function leakyDeploy(file: string, text: string): TargetDeclaration {
    const dir = dirs.make();
    cpSync(path.join(ROOT, 'test/fixtures/apps/flow-editor/deploy'), dir, { recursive: true });
    writeFileSync(path.join(dir, file), text);
    return { ...declaration, configFiles: [`${dir}/*`] };
  }

  it.each([
    [
      'URL',
      'flow-editor.toml',
      `[server]\nport = 8080\nledger_url = "postgres://flows:${LEAKED}@db.internal:5432/flows"\n`,
      'flow-editor.toml:3',
      'rollgate/url-credentials',
    ],
    [
      'KEY=value',
      'flow-editor.env',
      `FLOW_USER=editor\nFLOW_PASSWORD=${LEAKED}\n`,
      'flow-editor.env:2',
      'rollgate/key-value-credentials',
    ],
  ])(
    'a credential in a config file (%s form): the secret scan fails naming file, line and rule, masked',
    async (_form, file, text, where, rule) => {
      const r = await runBuiltins(['secret-scan'], leakyDeploy(file, text), runOn(apps.healthy!.url));
      expect(r['hygiene/secret-scan']).toMatchObject({ status: 'failed' });
      expect(r['hygiene/secret-scan']!.reason).toContain(where);
      expect(r['hygiene/secret-scan']!.reason).toContain(rule);
      expect(JSON.stringify(r)).not.toContain(LEAKED);
    },
  );

  it('a corrupted backup: verification of the flows archive fails naming the fault', async () => {
    const dir = dirs.make();
    const taken = await takeBackup({ files: { path: dataDir, exclude: ['**/*.tmp'] }, dir, name: 'flows' });
    const ok = await verifyBackup({ backup: taken.path });
    expect(ok.status, ok.reason).toBe('passed');
    const fd = openSync(taken.path, 'r+');
    const at = Math.floor(statSync(taken.path).size / 2);
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, at);
    writeSync(fd, Buffer.from([b[0]! ^ 0xff]), 0, 1, at);
    closeSync(fd);
    const bad = await verifyBackup({ backup: taken.path });
    expect(bad.status).toBe('failed');
    expect(bad.reason).toMatch(/manifest checksum mismatch/);
  });
});
