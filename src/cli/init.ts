import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RollgateError } from '../config/errors.ts';
import type { Cli } from './args.ts';
import { type CiSystem, ciArg, ciFiles, ciNextSteps } from './init-ci.ts';
import { editGitignore, editPackageJson, runbookName } from './init-package.ts';

/**
 * `rollgate init`: writes a runbook, placeholder checks, a golden path and a load profile into an
 * existing app folder (the current directory), adds the gate scripts to its package.json and
 * `reports/` and `backups/` to its .gitignore. All or nothing: a file that exists stops it before anything is
 * written, unless --force.
 */

export const DEFAULT_BASE_URL = 'http://127.0.0.1:3000';

/** The templates shipped in the package: `templates/init/` beside dist/ (or src/ in a checkout). */
export const templatesDir = () => fileURLToPath(new URL('../../templates/init/', import.meta.url));

function templateFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(path.join(dir, f)).isFile())
    .map((f) => f.split(path.sep).join('/'))
    .sort();
}

/**
 * The `--base-url` of a command that writes a runbook (`init`, `import`): an http(s) URL without
 * trailing slashes, default {@link DEFAULT_BASE_URL}; anything else is a bad argument naming the command.
 * @example baseUrlArg('import', 'http://127.0.0.1:4100/') // 'http://127.0.0.1:4100'
 */
export function baseUrlArg(command: string, value: string | undefined): string {
  const url = value ?? DEFAULT_BASE_URL;
  try {
    const u = new URL(url);
    if (u.protocol === 'http:' || u.protocol === 'https:') return url.replace(/\/+$/, '');
  } catch {}
  throw new RollgateError(
    'ROLLGATE_BAD_ARGUMENT',
    `${command} --base-url: "${url}" is not an http(s) URL. Give the address the app answers on, e.g. --base-url ${DEFAULT_BASE_URL} (the default) or --base-url https://staging.example.com.`,
  );
}

function nameArg(value: string | undefined, pkgName: unknown): string {
  if (value === undefined) return runbookName(typeof pkgName === 'string' ? pkgName : '');
  if (/^[a-z0-9][a-z0-9-]*$/.test(value)) return value;
  throw new RollgateError(
    'ROLLGATE_BAD_ARGUMENT',
    `init --name: "${value}" is not a runbook name (lower-case letters, digits and dashes). Try --name ${runbookName(value)}.`,
  );
}

/** The app's package.json, parsed; a folder without one is not an app to init. */
/** The runbook file init writes; its presence means init already ran here. */
const RUNBOOK_FILE = 'rollgate.runbook.ts';

interface PackageRead {
  file: string;
  text: string;
  pkg: Record<string, unknown>;
}

function readPackage(cwd: string): PackageRead | string {
  const file = path.join(cwd, 'package.json');
  if (!existsSync(file))
    return `${cwd} has no package.json: run \`npx rollgate init\` in your app's folder (the one with package.json), or create one first with \`npm init -y\`.`;
  const text = readFileSync(file, 'utf8');
  try {
    const pkg = JSON.parse(text) as unknown;
    if (pkg && typeof pkg === 'object' && !Array.isArray(pkg))
      return { file, text, pkg: pkg as Record<string, unknown> };
    return `${file}: is not a JSON object; fix the file, then run init again.`;
  } catch (error) {
    return `${file}: is not valid JSON (${(error as Error).message}); fix the file, then run init again.`;
  }
}

/**
 * `init --ci` in an app init already set up (its runbook exists): only the CI templates are
 * written, and the scripts they call that package.json lacks are added; the runbook and checks
 * are never touched. A template that exists stops it (nothing written) unless --force, which then
 * overwrites the templates only.
 */
async function initCiOnly(cwd: string, ci: CiSystem, force: boolean, read: PackageRead): Promise<number> {
  const files = ciFiles(ci).map((f) => ({ ...f, exists: existsSync(path.join(cwd, f.rel)) }));
  const existing = files.filter((f) => f.exists).map((f) => f.rel);
  if (existing.length && !force) {
    console.error(
      `rollgate init --ci ${ci}: ${existing.length === 1 ? 'this template exists' : 'these templates exist'} in ${cwd}:\n` +
        existing.map((f) => `  ${f}\n`).join('') +
        `Nothing was written. Move them aside, or run \`npx rollgate init --ci ${ci} --force\` to overwrite the templates (only them: your runbook and checks are kept).`,
    );
    return 1;
  }
  const pkg = editPackageJson(read.text, read.pkg, false);
  for (const f of files) {
    await mkdir(path.dirname(path.join(cwd, f.rel)), { recursive: true });
    await writeFile(path.join(cwd, f.rel), f.text);
  }
  if (pkg.text !== read.text) await writeFile(read.file, pkg.text);
  const lines = [
    `rollgate init --ci ${ci}: ${RUNBOOK_FILE} exists, so only the CI templates were written (your runbook and checks are kept)`,
    'wrote:',
    ...files.map((f) => `  ${f.rel}${f.exists ? ' (overwritten: --force)' : ''}`),
  ];
  if (pkg.added.length) lines.push(`  package.json scripts the templates call: ${pkg.added.join(', ')}`);
  if (pkg.kept.length) lines.push(`kept your existing scripts: ${pkg.kept.join(', ')}`);
  lines.push('', 'Next steps:', ...ciNextSteps(ci));
  console.log(lines.join('\n'));
  return 0;
}

const quote = (s: string) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

/** Runs init in `cwd`; returns the exit code (0 written, 1 something exists, 2 cannot init here). */
export async function initCommand(cli: Cli, cwd = process.cwd()): Promise<number> {
  const force = cli.values.force === true;
  const baseURL = baseUrlArg('init', cli.values['base-url']);
  const ci = ciArg(cli.values.ci);
  const read = readPackage(cwd);
  if (typeof read === 'string') {
    console.error(`rollgate init: ${read}\nNothing was written.`);
    return 2;
  }
  // Adding CI to an app init already set up: the templates only, never the runbook and checks.
  if (ci && existsSync(path.join(cwd, RUNBOOK_FILE))) return initCiOnly(cwd, ci, force, read);
  const name = nameArg(cli.values.name, read.pkg.name);
  const dir = templatesDir();
  const files = [
    ...templateFiles(dir).map((rel) => {
      let text = readFileSync(path.join(dir, rel), 'utf8');
      if (rel === RUNBOOK_FILE)
        text = text.replace("'__NAME__'", quote(name)).replace("'__BASE_URL__'", quote(baseURL));
      return { rel, text };
    }),
    // --ci github|gitlab: the CI templates, under the same all-or-nothing rule.
    ...ciFiles(ci),
  ].map((f) => ({ ...f, exists: existsSync(path.join(cwd, f.rel)) }));
  const existing = files.filter((f) => f.exists).map((f) => f.rel);
  if (existing.length && !force) {
    console.error(
      `rollgate init: ${existing.length === 1 ? 'this file exists' : 'these files exist'} in ${cwd}:\n` +
        existing.map((f) => `  ${f}\n`).join('') +
        'Nothing was written. Move them aside, or run `npx rollgate init --force` to overwrite them.',
    );
    return 1;
  }
  const pkg = editPackageJson(read.text, read.pkg, force);
  const gitignoreFile = path.join(cwd, '.gitignore');
  const gitignore = editGitignore(
    existsSync(gitignoreFile) ? readFileSync(gitignoreFile, 'utf8') : undefined,
  );

  for (const f of files) {
    await mkdir(path.dirname(path.join(cwd, f.rel)), { recursive: true });
    await writeFile(path.join(cwd, f.rel), f.text);
  }
  if (pkg.text !== read.text) await writeFile(read.file, pkg.text);
  if (gitignore !== undefined) await writeFile(gitignoreFile, gitignore.text);

  const lines = [`rollgate init: runbook "${name}" against ${baseURL}`, 'wrote:'];
  for (const f of files) lines.push(`  ${f.rel}${f.exists ? ' (overwritten: --force)' : ''}`);
  const scripts = [...pkg.added, ...pkg.replaced.map((s) => `${s} (replaced: --force)`)];
  if (scripts.length) lines.push(`  package.json scripts: ${scripts.join(', ')}`);
  if (pkg.allowed.length) lines.push(`  package.json allowScripts: ${pkg.allowed.join(', ')}`);
  if (gitignore !== undefined) lines.push(`  .gitignore: ${gitignore.added.join(', ')}`);
  if (pkg.kept.length)
    lines.push(
      `kept your existing scripts: ${pkg.kept.join(', ')} (rollgate's would be \`rollgate gate <stage> …\`; --force replaces them)`,
    );
  lines.push(
    '',
    'Every check starts as a placeholder that errors (ROLLGATE_PLACEHOLDER), so each stage HOLDs until you write it.',
    'Next steps:',
    '  npx rollgate validate          check rollgate.runbook.ts',
    pkg.kept.includes('gate:staging')
      ? '  npx rollgate gate staging --release <version>   run the staging stage: each placeholder says what to write and where'
      : '  npm run gate:staging           run the staging stage: each placeholder says what to write and where',
    '  write the checks in rollgate/ (their comments show the code), then run the gate again',
    ...ciNextSteps(ci),
  );
  console.log(lines.join('\n'));
  return 0;
}
