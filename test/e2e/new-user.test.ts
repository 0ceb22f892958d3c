import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Verdict } from '../../src/model/verdict.ts';

/**
 * The acceptance test: rollgate as a new user meets it. This repository is packed, the tarball
 * installed into an app folder outside the repository (a small node:http app, not the demo), and
 * the user runs `npx rollgate init`, validates, gates staging on placeholders (HOLD), writes the
 * real checks against rollgate's public subpaths (PROMOTE), and gates the stopped app (HOLD).
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const RELEASE = '1.4.2';

/** The app under test: health, version, and a page with a form the golden path uses. CommonJS, as `npm init` makes. */
const SERVER = `const http = require('node:http');
const page = \`<!doctype html><html lang="en"><head><title>Newsletter</title></head><body><main>
<h1>Newsletter</h1><form method="post" action="/subscribe"><label for="email">Email</label>
<input id="email" name="email" type="email" required><button type="submit">Subscribe</button></form>
</main></body></html>\`;
const json = (res, body) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') return json(res, { status: 'ok' });
  if (req.method === 'GET' && req.url === '/version') return json(res, { version: '${RELEASE}' });
  if (req.method === 'GET' && req.url === '/') { res.writeHead(200, { 'content-type': 'text/html' }); return res.end(page); }
  if (req.method === 'POST' && req.url === '/subscribe') {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const email = (new URLSearchParams(body).get('email') || '').replace(/[^\\w@.+-]/g, '');
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(\`<!doctype html><html lang="en"><head><title>Subscribed</title></head><body><p role="status">\${email} is subscribed</p></body></html>\`);
    });
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain' }); res.end('not found');
});
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));
`;

/** The app's own check a user writes in place of the placeholder, importing only rollgate's subpaths. */
const CHECKS = `import { probe } from 'rollgate/checks';
import { check } from 'rollgate/vitest';

check(
  'subscribing answers with the address',
  async ({ context, require }) => {
    const res = await probe(context.baseURL + '/subscribe', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=check%40example.com',
      timeoutMs: 5000,
    });
    require({ name: 'status', operator: '==', expected: 200 }, res.status);
    require({ name: 'confirmed', operator: '==', expected: 'yes' }, res.body.includes('check@example.com is subscribed') ? 'yes' : 'no');
  },
  { id: 'app/main' },
);
`;
const GOLDEN_PATH = `import { expect, test } from 'rollgate/playwright';

test('subscribe to the newsletter [golden/main]', async ({ page, check }) => {
  const res = await page.goto('/');
  expect(res?.status(), 'GET / status').toBe(200);
  await page.getByLabel('Email').fill('smoke@example.com');
  await page.getByRole('button', { name: 'Subscribe' }).click();
  await expect(page.getByRole('status')).toContainText('smoke@example.com is subscribed');
  check.attach('page', 'text/plain', { body: page.url() });
});
`;

/** The placeholders init writes for staging, then the user's checks in their place. */
const WRITTEN_CHECKS = ['app/main', 'golden/main'];
/** The built-in checks staging names (from the target's health and version): no code to write. */
const BUILTIN_CHECKS = ['probes/health-live', 'probes/version-matches'];

let work: string;
let appDir: string;
let baseURL: string;
let server: ResultPromise | undefined;

/**
 * The user's shell: nothing of rollgate's own variables nor of the vitest running this test (VITEST,
 * TEST, NODE_ENV, COLOR, FORCE_TTY…), the system Chromium found as rollgate finds it.
 */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env))
    if (/^(ROLLGATE_|DEMO_|VITEST)/.test(k) || ['TEST', 'NODE_ENV', 'COLOR', 'FORCE_TTY'].includes(k))
      delete env[k];
  return env;
}

function inApp(file: string, args: string[], timeout = 120_000) {
  return execa(file, args, {
    cwd: appDir,
    env: userEnv(),
    extendEnv: false,
    reject: false,
    all: true,
    timeout,
  });
}

async function startApp(): Promise<void> {
  server = execa(process.execPath, ['server.js'], {
    cwd: appDir,
    env: { ...userEnv(), PORT: '0' },
    extendEnv: false,
  });
  baseURL = await new Promise<string>((resolve, reject) => {
    server!.stdout!.on('data', (b: Buffer) => {
      const m = /listening on (http:\/\/\S+)/.exec(b.toString());
      if (m) resolve(m[1]!);
    });
    server!.catch(reject);
  });
}

async function stopApp(): Promise<void> {
  if (!server) return;
  server.kill('SIGTERM');
  await server.catch(() => undefined);
  server = undefined;
}

const verdict = () =>
  JSON.parse(readFileSync(path.join(appDir, 'reports', 'latest', 'verdict.json'), 'utf8')) as Verdict;
const checkOf = (v: Verdict, id: string) => {
  const c = v.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id} in ${v.checks.map((x) => x.id).join(', ')}`);
  return c as Verdict['checks'][number] & { code?: string };
};

describe('a new user: npm pack, install, init, validate, gate', { timeout: 240_000 }, () => {
  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'rollgate-new-user-'));
    // dist/ is built in place (a no-op when fresh) and packed without running prepack again: prepack
    // rebuilds dist/ from scratch (--force), which would pull it from under tests running beside this one.
    const build = await execa(process.execPath, ['scripts/build.mjs'], {
      cwd: ROOT,
      reject: false,
      all: true,
    });
    expect(build.exitCode, build.all).toBe(0);
    const pack = await execa('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
      cwd: ROOT,
      reject: false,
    });
    expect(pack.exitCode, pack.stderr).toBe(0);
    const tarball = path.join(work, (JSON.parse(pack.stdout) as { filename: string }[])[0]!.filename);

    appDir = path.join(work, 'newsletter');
    mkdirSync(appDir);
    writeFileSync(
      path.join(appDir, 'package.json'),
      `${JSON.stringify({ name: 'newsletter', version: RELEASE, private: true, scripts: { start: 'node server.js' } }, null, 2)}\n`,
    );
    writeFileSync(path.join(appDir, 'server.js'), SERVER);
    // --ignore-scripts: better-sqlite3 has no prebuilt binary reachable here and compiles from
    // source, which took over a minute; npm 12 skips install scripts of packages not in
    // allowScripts anyway. rollgate must work without that build: only SQLite backups need it.
    const started = performance.now();
    const install = await inApp(
      'npm',
      ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'],
      180_000,
    );
    console.info(`npm install of the tarball: ${Math.round(performance.now() - started)} ms`);
    expect(install.exitCode, install.all).toBe(0);
    await startApp();
  }, 240_000);

  afterAll(async () => {
    await stopApp();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('SQLite backups say how to get their driver when better-sqlite3 is not built', async () => {
    expect(existsSync(path.join(appDir, 'node_modules', 'better-sqlite3'))).toBe(true);
    const backup = path.join(work, 'app.sqlite');
    writeFileSync(backup, Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4096)]));
    const script = `import { verifySqliteBackup } from 'rollgate/checks';
const r = await verifySqliteBackup({ backup: ${JSON.stringify(backup)} });
console.log(JSON.stringify(r));`;
    const r = await inApp(process.execPath, ['--input-type=module', '-e', script]);
    expect(r.exitCode, r.all).toBe(0);
    const result = JSON.parse(r.stdout) as { status: string; reason: string };
    expect(result.status).not.toBe('passed');
    expect(result.reason).toContain('SQLite backups need better-sqlite3');
    expect(result.reason).toContain('"allowScripts": {"better-sqlite3": true}');
    expect(result.reason).toContain('npm rebuild better-sqlite3');
    // As when its build failed and npm dropped the optional dependency: nothing below may load it.
    rmSync(path.join(appDir, 'node_modules', 'better-sqlite3'), { recursive: true, force: true });
  });

  it('init writes a runbook that validates at once', async () => {
    const init = await inApp('npx', ['rollgate', 'init', '--base-url', baseURL]);
    expect(init.exitCode, init.all).toBe(0);
    expect(init.all).toContain('npx rollgate validate');
    const validate = await inApp('npx', ['rollgate', 'validate']);
    expect(validate.exitCode, validate.all).toBe(0);
    expect(validate.all).toContain('valid runbook "newsletter"');
  });

  it('staging HOLDs while the placeholders remain, each errored with ROLLGATE_PLACEHOLDER', async () => {
    const gate = await inApp('npx', ['rollgate', 'gate', 'staging', '--release', RELEASE]);
    expect(gate.exitCode, gate.all).toBe(1);
    const v = verdict();
    expect(v.verdict).toBe('hold');
    expect(v.checks.map((c) => c.id).sort()).toEqual([...WRITTEN_CHECKS, ...BUILTIN_CHECKS].sort());
    // The built-ins need no code: they pass against the app from the first gate.
    for (const id of BUILTIN_CHECKS) expect(checkOf(v, id).status, id).toBe('passed');
    for (const id of WRITTEN_CHECKS) {
      const c = checkOf(v, id);
      expect(c.status, id).toBe('errored');
      expect(c.message, id).toMatch(
        /^placeholder: write this check in rollgate\/(checks\.suite|golden-path\.spec)\.ts: /,
      );
      // The code travels as a field of the check, from vitest and from Playwright.
      expect(c.code, id).toBe('ROLLGATE_PLACEHOLDER');
    }
    expect(checkOf(v, 'golden/main').message).toContain('rollgate/golden-path.spec.ts');
  });

  it('with the real checks written, staging PROMOTEs', async () => {
    writeFileSync(path.join(appDir, 'rollgate', 'checks.suite.ts'), CHECKS);
    writeFileSync(path.join(appDir, 'rollgate', 'golden-path.spec.ts'), GOLDEN_PATH);
    const gate = await inApp('npx', ['rollgate', 'gate', 'staging', '--release', RELEASE]);
    expect(gate.exitCode, gate.all).toBe(0);
    const v = verdict();
    expect(v.verdict).toBe('promote');
    for (const id of [...WRITTEN_CHECKS, ...BUILTIN_CHECKS]) expect(checkOf(v, id).status, id).toBe('passed');
    expect(checkOf(v, 'probes/version-matches').measurements).toContainEqual(
      expect.objectContaining({ name: 'version', actual: RELEASE, passed: true }),
    );
  });

  it('with the app stopped, staging HOLDs with those checks errored', async () => {
    await stopApp();
    const gate = await inApp('npx', ['rollgate', 'gate', 'staging', '--release', RELEASE]);
    expect(gate.exitCode, gate.all).toBe(1);
    const v = verdict();
    expect(v.verdict).toBe('hold');
    for (const id of [...WRITTEN_CHECKS, ...BUILTIN_CHECKS]) {
      const c = checkOf(v, id);
      expect(c.status, id).toBe('errored');
      expect(c.message, id).toMatch(/unreachable|ECONNREFUSED|CONNECTION_REFUSED/);
    }
  });
});
