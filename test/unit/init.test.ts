import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * `rollgate init` through the CLI of this checkout, in a temporary app folder outside the
 * repository. The app resolves `rollgate` through node_modules/rollgate → this checkout (as an
 * installed package would), so the runbook init writes can be validated at once.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/rollgate.mjs');
const WRITTEN = [
  'rollgate.runbook.ts',
  'rollgate/checks.suite.ts',
  'rollgate/dr.suite.ts',
  'rollgate/golden-path.spec.ts',
  'rollgate/load.profile.ts',
  'rollgate/preflight.suite.ts',
];
const GATE_SCRIPTS = ['gate:preflight', 'gate:staging', 'gate:canary', 'gate:production', 'drill:dr'];

const apps: string[] = [];
afterEach(() => {
  for (const dir of apps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary app folder: package.json (unless `null`), other files, and rollgate resolvable. */
function app(pkg: Record<string, unknown> | string | null, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'rollgate-init-'));
  apps.push(dir);
  if (pkg !== null)
    writeFileSync(
      path.join(dir, 'package.json'),
      typeof pkg === 'string' ? pkg : JSON.stringify(pkg, null, 2),
    );
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(ROOT, path.join(dir, 'node_modules', 'rollgate'), 'dir');
  return dir;
}

function run(cwd: string, args: string[]) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('ROLLGATE_')) delete env[k];
  return execa(process.execPath, [BIN, ...args], { cwd, env, extendEnv: false, reject: false, all: true });
}

/** Every file of the app (but node_modules) with its text: what "nothing was written" compares. */
function snapshot(dir: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(path.join(dir, rel))) {
    const f = rel ? `${rel}/${name}` : name;
    if (f === 'node_modules') continue;
    if (statSync(path.join(dir, f)).isDirectory()) Object.assign(out, snapshot(dir, f));
    else out[f] = readFileSync(path.join(dir, f), 'utf8');
  }
  return out;
}
const read = (dir: string, f: string) => readFileSync(path.join(dir, f), 'utf8');
const pkgOf = (dir: string) => JSON.parse(read(dir, 'package.json'));

describe('rollgate init', () => {
  it('writes the runbook, placeholder checks, scripts, allowScripts and .gitignore; the runbook validates', async () => {
    const dir = app({ name: '@Acme/Shop_App', version: '2.0.0', scripts: { test: 'node --test' } });
    const r = await run(dir, ['init']);
    expect(r.exitCode, r.all).toBe(0);
    for (const f of WRITTEN) expect(existsSync(path.join(dir, f)), f).toBe(true);
    expect(r.all).toContain('npx rollgate validate');
    expect(r.all).toContain('npm run gate:staging');

    const runbook = read(dir, 'rollgate.runbook.ts');
    expect(runbook).toContain("name: 'acme-shop-app'");
    expect(runbook).toContain("baseURL: 'http://127.0.0.1:3000'");
    expect(runbook).not.toMatch(/__[A-Z_]+__/);
    // Suites, specs and profiles import only rollgate's public subpaths.
    for (const f of WRITTEN) {
      const specifiers = [...read(dir, f).matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
      expect(specifiers.length, f).toBeGreaterThan(0);
      for (const s of specifiers)
        expect(['rollgate', 'rollgate/vitest', 'rollgate/playwright'], f).toContain(s);
    }

    const pkg = pkgOf(dir);
    expect(pkg.scripts.test).toBe('node --test');
    for (const s of GATE_SCRIPTS) expect(pkg.scripts[s], s).toMatch(/^rollgate gate [a-z]+ --release /);
    // ROLLGATE_RELEASE when set, else the app's own version (a shell expansion npm's sh runs).
    expect(pkg.scripts['gate:canary']).toBe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the script's text, not a JS template
      'rollgate gate canary --release "${ROLLGATE_RELEASE:-$npm_package_version}"',
    );
    expect(pkg.scripts['drill:dr']).toContain('rollgate gate dr ');
    expect(pkg.allowScripts).toEqual({ 'better-sqlite3': true, esbuild: true });
    expect(read(dir, '.gitignore')).toMatch(/^reports\/$/m);
    // rollgate backup's default folder: copies of the app's data, which may hold credentials.
    expect(read(dir, '.gitignore')).toMatch(/^backups\/$/m);
    // rollgate prometheus install's cache of binaries.
    expect(read(dir, '.gitignore')).toMatch(/^\.cache\/rollgate\/$/m);
    expect(r.all).toContain('.gitignore: reports/, backups/, .cache/rollgate/');

    // A CommonJS app (no "type": "module", npm's default): the runbook still loads and validates.
    const v = await run(dir, ['validate']);
    expect(v.exitCode, v.all).toBe(0);
    expect(v.all).toContain(
      'valid runbook "acme-shop-app" with stages preflight, staging, canary, production, dr',
    );
  });

  it('keeps existing scripts, allowScripts entries and .gitignore lines, and says which scripts it kept', async () => {
    const dir = app(
      {
        name: 'shop',
        scripts: { 'gate:staging': 'my-own-gate staging' },
        allowScripts: { 'better-sqlite3': false },
      },
      { '.gitignore': 'node_modules\n/reports\n' },
    );
    const r = await run(dir, ['init', '--name', 'web-shop', '--base-url', 'https://staging.shop.example/']);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toContain('kept your existing scripts: gate:staging');
    expect(r.all).toContain('npx rollgate gate staging --release <version>');
    const pkg = pkgOf(dir);
    expect(pkg.scripts['gate:staging']).toBe('my-own-gate staging');
    expect(pkg.scripts['gate:canary']).toContain('rollgate gate canary');
    expect(pkg.allowScripts).toEqual({ 'better-sqlite3': false, esbuild: true });
    // /reports already ignores reports/: only backups/ and .cache/rollgate/ are added.
    expect(read(dir, '.gitignore')).toMatch(
      /^node_modules\n\/reports\n#.*\nbackups\/\n#.*\n\.cache\/rollgate\/\n$/,
    );
    const runbook = read(dir, 'rollgate.runbook.ts');
    expect(runbook).toContain("name: 'web-shop'");
    expect(runbook).toContain("baseURL: 'https://staging.shop.example'");
  });

  it('appends reports/, backups/ and .cache/rollgate/ to a .gitignore without a final newline', async () => {
    const dir = app({ name: 'shop' }, { '.gitignore': 'node_modules' });
    expect((await run(dir, ['init'])).exitCode).toBe(0);
    expect(read(dir, '.gitignore')).toMatch(
      /^node_modules\n(#.*\n)?reports\/\n(#.*\n)?backups\/\n(#.*\n)?\.cache\/rollgate\/\n$/,
    );
  });

  it('writes nothing and exits 1 when any file it would write exists, listing them', async () => {
    const dir = app({ name: 'shop', version: '1.0.0' });
    mkdirSync(path.join(dir, 'rollgate'));
    writeFileSync(path.join(dir, 'rollgate.runbook.ts'), '// mine\n');
    writeFileSync(path.join(dir, 'rollgate', 'checks.suite.ts'), '// mine too\n');
    const before = snapshot(dir);
    const r = await run(dir, ['init']);
    expect(r.exitCode, r.all).toBe(1);
    expect(r.all).toContain('rollgate.runbook.ts');
    expect(r.all).toContain('rollgate/checks.suite.ts');
    expect(r.all).not.toContain('rollgate/load.profile.ts');
    expect(r.all).toContain('Nothing was written');
    expect(r.all).toContain('--force');
    expect(snapshot(dir)).toEqual(before);
  });

  it('--force overwrites the files and replaces the scripts', async () => {
    const dir = app({ name: 'shop', scripts: { 'gate:staging': 'my-own-gate staging' } });
    writeFileSync(path.join(dir, 'rollgate.runbook.ts'), '// mine\n');
    const r = await run(dir, ['init', '--force']);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toContain('rollgate.runbook.ts (overwritten: --force)');
    expect(r.all).toContain('gate:staging (replaced: --force)');
    expect(read(dir, 'rollgate.runbook.ts')).toContain('defineRunbook');
    expect(pkgOf(dir).scripts['gate:staging']).toContain('rollgate gate staging');
    // Run again: everything exists now, and --force still writes.
    expect((await run(dir, ['init'])).exitCode).toBe(1);
    expect((await run(dir, ['init', '--force'])).exitCode).toBe(0);
  });

  it.each([
    ['ftp://files.example.com', 'not an http(s) URL'],
    ['localhost:3000', 'not an http(s) URL'],
    ['', 'not an http(s) URL'],
  ])('refuses --base-url %j (exit 2, nothing written)', async (url, words) => {
    const dir = app({ name: 'shop' });
    const before = snapshot(dir);
    const r = await run(dir, ['init', '--base-url', url]);
    expect(r.exitCode, r.all).toBe(2);
    expect(r.all).toContain('init --base-url');
    expect(r.all).toContain(words);
    expect(r.all).toContain('--base-url http://127.0.0.1:3000');
    expect(snapshot(dir)).toEqual(before);
  });

  it('refuses a --name that is not a runbook name, suggesting one', async () => {
    const dir = app({ name: 'shop' });
    const r = await run(dir, ['init', '--name', 'My Shop']);
    expect(r.exitCode, r.all).toBe(2);
    expect(r.all).toContain('Try --name my-shop');
    expect(existsSync(path.join(dir, 'rollgate.runbook.ts'))).toBe(false);
  });

  it('needs a package.json: a folder without one, or with broken JSON, is exit 2 with the fix', async () => {
    const none = app(null);
    const r = await run(none, ['init']);
    expect(r.exitCode, r.all).toBe(2);
    expect(r.all).toContain(`${none} has no package.json`);
    expect(r.all).toContain('npm init -y');
    expect(snapshot(none)).toEqual({});

    const broken = app('{ "name": "shop", }');
    const b = await run(broken, ['init']);
    expect(b.exitCode, b.all).toBe(2);
    expect(b.all).toContain(`${path.join(broken, 'package.json')}: is not valid JSON`);
    expect(Object.keys(snapshot(broken))).toEqual(['package.json']);
  });
});
