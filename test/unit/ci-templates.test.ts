import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { CI_TEMPLATES, ciTemplatesDir } from '../../src/cli/init-ci.ts';
import { INIT_SCRIPTS } from '../../src/cli/init-package.ts';
import { cliIn } from './cli-in.ts';

/**
 * The CI templates in templates/ci/: valid YAML, the keys GitHub Actions and GitLab CI need, reports
 * uploaded even after a HOLD, the ledger shared through ROLLGATE_LEDGER_URL, and every
 * `npm run <script>` and `npx rollgate <command>` they call one that exists: a script
 * `rollgate init` writes into an app, a command src/cli/main.ts knows.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const TEMPLATES = ciTemplatesDir();

/** The commands main() dispatches on: its `case '<command>':` labels. */
const COMMANDS = new Set(
  [...readFileSync(path.join(ROOT, 'src/cli/main.ts'), 'utf8').matchAll(/case '([a-z][a-z-]*)':/g)].map(
    (m) => m[1]!,
  ),
);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const lines = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).flatMap((x) => String(x).split('\n'));

/** Every `npm run X` whose script is not in `scripts`, every `npx rollgate Y` main() does not know. */
function callProblems(shell: string[], scripts: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const line of shell) {
    for (const m of line.matchAll(/\bnpm run(?:-script)? ([^\s;&|]+)/g))
      if (!scripts.has(m[1]!)) out.push(`calls npm run ${m[1]}, a script rollgate init does not write`);
    for (const m of line.matchAll(/\bnpx rollgate ([^\s;&|]+)/g))
      if (!COMMANDS.has(m[1]!)) out.push(`calls npx rollgate ${m[1]}, not a rollgate command`);
    if (/playwright install/.test(line))
      out.push(
        'installs Playwright browsers; Chromium comes from the distribution (apt-get install chromium)',
      );
  }
  return out;
}

/** A GitHub Actions workflow: on, jobs with runs-on and steps, the ledger secret, artifacts always. */
function githubProblems(doc: Json): { problems: string[]; shell: string[] } {
  const problems: string[] = [];
  const shell: string[] = [];
  if (!('on' in doc)) problems.push('has no `on:` trigger');
  const jobs = doc.jobs;
  if (!isObject(jobs) || !Object.keys(jobs).length) return { problems: [...problems, 'has no jobs'], shell };
  let gates = 0;
  for (const [name, job] of Object.entries(jobs)) {
    if (!isObject(job)) {
      problems.push(`jobs.${name} is not a mapping`);
      continue;
    }
    if (typeof job['runs-on'] !== 'string') problems.push(`jobs.${name} has no runs-on`);
    const steps = job.steps;
    if (!Array.isArray(steps) || !steps.length) {
      problems.push(`jobs.${name} has no steps`);
      continue;
    }
    const run = steps.flatMap((s, i) => {
      if (!isObject(s) || 'run' in s === 'uses' in s) {
        problems.push(`jobs.${name}.steps[${i}] needs exactly one of run and uses`);
        return [];
      }
      return lines(s.run);
    });
    shell.push(...run);
    if (!run.some((l) => /\bnpm run (gate|drill):/.test(l))) continue;
    // A job that gates: shares the ledger, keeps its reports after a HOLD.
    gates += 1;
    const env = isObject(job.env) ? job.env : {};
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JS template
    if (env.ROLLGATE_LEDGER_URL !== '${{ secrets.ROLLGATE_LEDGER_URL }}')
      problems.push(`jobs.${name} does not share the ledger (env ROLLGATE_LEDGER_URL from secrets)`);
    const upload = steps.find((s) => isObject(s) && String(s.uses).startsWith('actions/upload-artifact@'));
    if (!isObject(upload)) problems.push(`jobs.${name} uploads no reports`);
    else {
      if (!String(upload.if).includes('always()'))
        problems.push(`jobs.${name}: the upload has no if: always()`);
      const paths = lines(isObject(upload.with) ? upload.with.path : undefined);
      if (!paths.includes('reports/runs/'))
        problems.push(`jobs.${name}: the upload leaves out reports/runs/`);
    }
    const report = steps.find((s) => isObject(s) && lines(s.run).some((l) => /npm run report\b/.test(l)));
    if (!isObject(report) || !String(report.if).includes('always()'))
      problems.push(`jobs.${name} builds no report after a HOLD (npm run report, if: always())`);
  }
  if (!gates) problems.push('runs no gate (npm run gate:<stage> or drill:dr)');
  return { problems, shell };
}

/** Top-level keys of a GitLab CI file that are not jobs. */
const GITLAB_GLOBAL = new Set([
  'default',
  'include',
  'stages',
  'variables',
  'workflow',
  'image',
  'services',
  'cache',
  'before_script',
  'after_script',
]);

/** A GitLab CI file: each job (its `extends` merged) has a script; gate jobs keep artifacts always. */
function gitlabProblems(doc: Json): { problems: string[]; shell: string[] } {
  const problems: string[] = [];
  const shell: string[] = [];
  const resolve = (name: string, seen: string[] = []): Json => {
    const job = doc[name];
    if (!isObject(job)) {
      problems.push(`${seen.at(-1) ?? name} extends ${name}, which is not defined`);
      return {};
    }
    if (seen.includes(name)) return {};
    const bases = lines(job.extends).map((b) => resolve(b, [...seen, name]));
    return Object.assign({}, ...bases, job);
  };
  const jobs = Object.keys(doc).filter((k) => !k.startsWith('.') && !GITLAB_GLOBAL.has(k));
  if (!jobs.length) problems.push('has no jobs');
  for (const name of jobs) {
    const job = resolve(name);
    if (!('script' in job)) problems.push(`${name} has no script`);
    const own = [job.before_script, job.script, job.after_script].flatMap(lines);
    shell.push(...own);
    if (!own.some((l) => /\bnpm run (gate|drill):/.test(l))) continue;
    const artifacts = isObject(job.artifacts) ? job.artifacts : {};
    if (artifacts.when !== 'always')
      problems.push(`${name}: artifacts are not kept after a HOLD (when: always)`);
    if (!lines(artifacts.paths).includes('reports/runs/'))
      problems.push(`${name}: artifacts leave out reports/runs/`);
    if (!lines(job.after_script).some((l) => /npm run report\b/.test(l)))
      problems.push(`${name} builds no report after a HOLD (after_script: npm run report)`);
  }
  return { problems, shell };
}

/** Everything wrong with one template; `kind` from its folder (github/ or gitlab/). */
function templateProblems(kind: 'github' | 'gitlab', text: string, scripts: ReadonlySet<string>): string[] {
  const parsed = parseDocument(text, { prettyErrors: false });
  const errors = [...parsed.errors, ...parsed.warnings].map((e) => `not valid YAML: ${e.message}`);
  if (errors.length) return errors;
  const doc = parsed.toJS() as unknown;
  if (!isObject(doc)) return ['is not a YAML mapping'];
  const { problems, shell } = kind === 'github' ? githubProblems(doc) : gitlabProblems(doc);
  return [...problems, ...callProblems(shell, scripts)];
}

const INIT = new Set(Object.keys(INIT_SCRIPTS));
const shipped = readdirSync(TEMPLATES, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.yml'))
  .map((f) => f.split(path.sep).join('/'))
  .sort();
const kindOf = (rel: string) => (rel.startsWith('github/') ? 'github' : 'gitlab') as 'github' | 'gitlab';

describe('CI templates (templates/ci/)', () => {
  it('ship a pull-request preflight, a canary gate and a nightly drill, for GitHub and GitLab', () => {
    expect(shipped).toEqual([
      'github/rollgate-canary.yml',
      'github/rollgate-dr.yml',
      'github/rollgate-pr.yml',
      'gitlab/rollgate.gitlab-ci.yml',
    ]);
    const text = (f: string) => readFileSync(path.join(TEMPLATES, f), 'utf8');
    expect(text('github/rollgate-pr.yml')).toMatch(/^\s+run: npm run gate:preflight$/m);
    expect(text('github/rollgate-canary.yml')).toMatch(/^\s+run: npm run gate:canary$/m);
    // A five-field cron schedule, read as YAML (the quotes are the formatter's business).
    const dr = parseDocument(text('github/rollgate-dr.yml')).toJS() as {
      on: { schedule: { cron: string }[] };
    };
    expect(dr.on.schedule.map((s) => s.cron.trim().split(/\s+/).length)).toEqual([5]);
    const gitlab = text('gitlab/rollgate.gitlab-ci.yml');
    for (const script of ['gate:preflight', 'gate:canary', 'drill:dr'])
      expect(gitlab).toContain(`- npm run ${script}`);
    expect(gitlab).toContain('$CI_PIPELINE_SOURCE == "schedule"');
  });

  it.each(shipped)(
    '%s: valid YAML, the keys its CI needs, and only scripts and commands that exist',
    (rel) => {
      expect(templateProblems(kindOf(rel), readFileSync(path.join(TEMPLATES, rel), 'utf8'), INIT)).toEqual(
        [],
      );
    },
  );

  it('the check finds a missing script, an unknown command, a browser download, an upload only on success and bad YAML', () => {
    const bad = [
      'on: { pull_request: {} }',
      'jobs:',
      '  gate:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: npx playwright install chromium',
      '      - run: npm run gate:qa',
      '      - run: npx rollgate deploy canary',
      '      - uses: actions/upload-artifact@v6',
      '        with: { path: reports/html/ }',
      '  nothing:',
      '    steps: []',
    ].join('\n');
    expect(templateProblems('github', bad, INIT)).toEqual([
      'jobs.gate does not share the ledger (env ROLLGATE_LEDGER_URL from secrets)',
      'jobs.gate: the upload has no if: always()',
      'jobs.gate: the upload leaves out reports/runs/',
      'jobs.gate builds no report after a HOLD (npm run report, if: always())',
      'jobs.nothing has no runs-on',
      'jobs.nothing has no steps',
      'installs Playwright browsers; Chromium comes from the distribution (apt-get install chromium)',
      'calls npm run gate:qa, a script rollgate init does not write',
      'calls npx rollgate deploy, not a rollgate command',
    ]);
    const gitlab = [
      '.base:',
      '  image: node:22',
      'gate:',
      '  extends: .missing',
      '  script:',
      '    - npm run gate:canary',
    ];
    expect(templateProblems('gitlab', gitlab.join('\n'), INIT)).toEqual([
      'gate extends .missing, which is not defined',
      'gate: artifacts are not kept after a HOLD (when: always)',
      'gate: artifacts leave out reports/runs/',
      'gate builds no report after a HOLD (after_script: npm run report)',
    ]);
    expect(templateProblems('github', 'jobs:\n  a: [\n', INIT)[0]).toMatch(/^not valid YAML: /);
    // The shipped templates checked against fewer scripts fail: the check reads them.
    const canary = readFileSync(path.join(TEMPLATES, 'github/rollgate-canary.yml'), 'utf8');
    expect(templateProblems('github', canary, new Set(['gate:preflight', 'report']))).toEqual([
      'calls npm run gate:canary, a script rollgate init does not write',
    ]);
  });
});

describe('rollgate init --ci', () => {
  const apps: string[] = [];
  afterAll(() => {
    for (const dir of apps) rmSync(dir, { recursive: true, force: true });
  });
  const app = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rollgate-init-ci-'));
    apps.push(dir);
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'shop', version: '1.0.0' }));
    return dir;
  };

  it.each(Object.keys(CI_TEMPLATES) as (keyof typeof CI_TEMPLATES)[])(
    '--ci %s copies the templates, whose npm scripts are all in the package.json init writes',
    async (system) => {
      const dir = app();
      const r = await cliIn(dir, ['init', '--ci', system]);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain('ROLLGATE_LEDGER_URL');
      const scripts = new Set(
        Object.keys(JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).scripts),
      );
      for (const [template, dest] of CI_TEMPLATES[system]) {
        expect(r.out).toContain(`  ${dest}`);
        const text = readFileSync(path.join(dir, dest), 'utf8');
        expect(text).toBe(readFileSync(path.join(TEMPLATES, template), 'utf8'));
        expect(templateProblems(system, text, scripts), dest).toEqual([]);
      }
    },
  );

  it('--ci in an app init already set up writes only the templates (and the scripts they call), never the runbook', async () => {
    const dir = app();
    expect((await cliIn(dir, ['init'])).code).toBe(0);
    writeFileSync(path.join(dir, 'rollgate.runbook.ts'), '// mine\n');
    const pkgFile = path.join(dir, 'package.json');
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
    delete pkg.scripts.report;
    pkg.scripts['gate:staging'] = 'echo my own';
    writeFileSync(pkgFile, JSON.stringify(pkg));
    const r = await cliIn(dir, ['init', '--ci', 'github']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('only the CI templates were written');
    expect(readFileSync(path.join(dir, 'rollgate.runbook.ts'), 'utf8')).toBe('// mine\n');
    for (const [template, dest] of CI_TEMPLATES.github)
      expect(readFileSync(path.join(dir, dest), 'utf8')).toBe(
        readFileSync(path.join(TEMPLATES, template), 'utf8'),
      );
    const scripts = JSON.parse(readFileSync(pkgFile, 'utf8')).scripts;
    expect(scripts.report).toBe('rollgate report');
    expect(scripts['gate:staging']).toBe('echo my own');
    // Again: the templates exist now, so nothing is written without --force; with it, only they are.
    writeFileSync(path.join(dir, '.github/workflows/rollgate-pr.yml'), '# edited\n');
    const again = await cliIn(dir, ['init', '--ci', 'github']);
    expect(again.code).toBe(1);
    expect(again.err).toContain('.github/workflows/rollgate-pr.yml');
    expect(readFileSync(path.join(dir, '.github/workflows/rollgate-pr.yml'), 'utf8')).toBe('# edited\n');
    expect((await cliIn(dir, ['init', '--ci', 'github', '--force'])).code).toBe(0);
    expect(readFileSync(path.join(dir, '.github/workflows/rollgate-pr.yml'), 'utf8')).not.toBe('# edited\n');
    expect(readFileSync(path.join(dir, 'rollgate.runbook.ts'), 'utf8')).toBe('// mine\n');
  });

  it('--ci with another name is a bad argument, and nothing is written', async () => {
    const dir = app();
    const r = await cliIn(dir, ['init', '--ci', 'jenkins']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      'init --ci: "jenkins" is not a CI rollgate has templates for; use --ci github or --ci gitlab',
    );
    expect(readdirSync(dir)).toEqual(['package.json']);
  });
});
