import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RollgateError } from '../config/errors.ts';
import type { Cli } from './args.ts';
import { CI_TEMPLATES, type CiSystem, ciArg, ciFiles, ciNextSteps, ciTemplatesDir } from './init-ci.ts';
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
function readPackage(cwd: string): { file: string; text: string; pkg: Record<string, unknown> } | string {
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
 * `init --ci` in an app init already set up: --force would overwrite the runbook and the checks
 * written since, so say how to copy only the CI templates.
 */
function ciOnlyHint(
  ci: CiSystem | undefined,
  cwd: string,
  files: { rel: string; exists: boolean }[],
): string {
  const ciDests = new Set<string>(ci ? CI_TEMPLATES[ci].map(([, dest]) => dest) : []);
  if (!ci || !files.some((f) => f.exists && !ciDests.has(f.rel))) return '';
  const byDir = new Map<string, string[]>();
  for (const [template, dest] of CI_TEMPLATES[ci]) {
    const from = path.relative(cwd, path.join(ciTemplatesDir(), template)).split(path.sep).join('/');
    const dir = path.posix.dirname(dest);
    byDir.set(dir, [...(byDir.get(dir) ?? []), from]);
  }
  const cmds = [...byDir].map(([dir, from]) => `  mkdir -p ${dir} && cp ${from.join(' ')} ${dir}/`);
  return `\n--force would also overwrite your runbook and checks. To add only the CI templates, copy them:\n${cmds.join('\n')}`;
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
  const name = nameArg(cli.values.name, read.pkg.name);
  const dir = templatesDir();
  const files = [
    ...templateFiles(dir).map((rel) => {
      let text = readFileSync(path.join(dir, rel), 'utf8');
      if (rel === 'rollgate.runbook.ts')
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
        'Nothing was written. Move them aside, or run `npx rollgate init --force` to overwrite them.' +
        ciOnlyHint(ci, cwd, files),
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
