import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRunbook } from '../../src/config/load-runbook.ts';
import { assessCoverage } from '../../src/engine/coverage/coverage.ts';
import { listStageChecks } from '../../src/engine/coverage/stage-checks.ts';
import { CoverageReport } from '../../src/model/coverage.ts';
import type { Runbook } from '../../src/model/runbook.ts';
import { Verdict } from '../../src/model/verdict.ts';

/**
 * Issue 13, `rollgate import` and `rollgate render` through the CLI of this checkout (run
 * `node scripts/build.mjs` first), in a temporary project outside the repository that resolves
 * `rollgate` through node_modules/rollgate → this checkout, as an installed package would. The
 * imported runbook validates, HOLDs on its placeholders against a real HTTP server on 127.0.0.1,
 * coverage reports them missing, and render → import gives back its stages, items and budgets.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/rollgate.mjs');
const PLAN = path.join(ROOT, 'test/fixtures/markdown/lantern-rollout.md');
const PLANTED = ['Hx7-quill-Marrow-93', 'kx9-Plover-Tansy-4417', 'tk_live_Wren88Gull'];
const RUNBOOK = 'runbooks/lantern-rollout/lantern-rollout.runbook.ts';

let project: string;
let server: Server;
let baseURL: string;

function run(args: string[], env: Record<string, string> = {}) {
  const e: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(e))
    if (k.startsWith('ROLLGATE_') || k.startsWith('VITEST') || k === 'NODE_ENV') delete e[k];
  return execa(process.execPath, [BIN, ...args], {
    cwd: project,
    env: { ...e, ...env },
    extendEnv: false,
    reject: false,
    all: true,
  });
}

/** Every file under `dir` (node_modules left out) with its bytes. */
function files(dir: string, rel = ''): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of readdirSync(path.join(dir, rel))) {
    const f = rel ? `${rel}/${name}` : name;
    if (f === 'node_modules') continue;
    if (statSync(path.join(dir, f)).isDirectory()) for (const [k, v] of files(dir, f)) out.set(k, v);
    else out.set(f, readFileSync(path.join(dir, f)));
  }
  return out;
}

const labels = (rb: Runbook) => rb.sources.flatMap((s) => s.items.map((i) => i.label)).sort();
const budgets = (rb: Runbook) =>
  Object.entries(rb.stages)
    .flatMap(([stage, s]) => s.budgets.map((b) => `${stage}: ${b.name} ${b.operator} ${b.value}`))
    .sort();

let imported: Awaited<ReturnType<typeof run>>;

beforeAll(async () => {
  project = mkdtempSync(path.join(tmpdir(), 'rollgate-import-'));
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'lantern', version: '3.2.0' }));
  mkdirSync(path.join(project, 'node_modules'));
  symlinkSync(ROOT, path.join(project, 'node_modules', 'rollgate'), 'dir');
  copyFileSync(PLAN, path.join(project, 'lantern-rollout.md'));
  server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  baseURL = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  imported = await run(['import', 'lantern-rollout.md', '--base-url', baseURL]);
}, 120_000);

afterAll(() => {
  server?.close();
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('rollgate import', () => {
  it('writes the runbook and a suite per stage, and prints the counts and the next commands', () => {
    expect(imported.exitCode, imported.all).toBe(0);
    expect(imported.stdout).toContain(
      `rollgate import: lantern-rollout.md → runbook "lantern-rollout" against ${baseURL}`,
    );
    for (const f of [
      RUNBOOK,
      ...['preflight', 'staging', 'canary', 'production', 'post-deployment'].map(
        (s) => `runbooks/lantern-rollout/${s}.suite.ts`,
      ),
    ])
      expect(imported.stdout).toContain(`  ${f}\n`);
    expect(imported.stdout).toContain(
      'stages 5 (preflight, staging, canary, production, post-deployment), items 45, sign-offs 6, placeholders 39, budgets 6',
    );
    expect(imported.stdout).toContain('masked 3 credential(s)');
    expect(imported.stdout).toContain(`npx rollgate validate --runbook ${RUNBOOK}`);
    expect(imported.stdout).toContain(`npx rollgate coverage --runbook ${RUNBOOK}`);
  });

  it('writes no byte of a planted credential, and keeps the URL readable with its password masked', () => {
    const written = files(project);
    written.delete('lantern-rollout.md');
    expect(written.size).toBe(7); // package.json and the six files import wrote
    for (const [f, bytes] of written)
      for (const p of PLANTED) expect(bytes.includes(Buffer.from(p)), `${f} holds ${p}`).toBe(false);
    const rb = written.get(RUNBOOK)!.toString();
    expect(rb).toContain('postgres://booking:***@db.internal:5432/booking');
    expect(rb).toContain('export SECRET_KEY=***');
    expect(rb).toContain('Authorization: Bearer ***');
    // Not vacuous: the plan holds them.
    const plan = readFileSync(PLAN, 'utf8');
    for (const p of PLANTED) expect(plan).toContain(p);
  });

  it('validates, and refuses to overwrite without --force (nothing written), overwrites with it', async () => {
    const before = files(project);
    const [valid, again] = await Promise.all([
      run(['validate', '--runbook', RUNBOOK]),
      run(['import', 'lantern-rollout.md', '--base-url', baseURL]),
    ]);
    expect(valid.exitCode, valid.all).toBe(0);
    expect(valid.stdout).toContain(
      `${RUNBOOK}: valid runbook "lantern-rollout" with stages preflight, staging, canary, production, post-deployment`,
    );
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('these files exist');
    expect(again.stderr).toContain('Nothing was written');
    expect(files(project)).toEqual(before);
    const forced = await run(['import', 'lantern-rollout.md', '--base-url', baseURL, '--force']);
    expect(forced.exitCode, forced.all).toBe(0);
    expect(forced.stdout).toContain(`${RUNBOOK} (overwritten: --force)`);
    expect(files(project)).toEqual(before);
  });

  it('refuses a plan with nothing to import and a base URL that is not http(s)', async () => {
    writeFileSync(path.join(project, 'notes.md'), '# Notes\n\nJust prose, nothing to check.\n');
    const [empty, badUrl] = await Promise.all([
      run(['import', 'notes.md']),
      run(['import', 'lantern-rollout.md', '--base-url', 'ftp://example.invalid', '--out', 'elsewhere']),
    ]);
    expect(empty.exitCode).toBe(2);
    expect(empty.stderr).toContain('notes.md has nothing to import');
    expect(badUrl.exitCode).toBe(2);
    expect(badUrl.stderr).toContain('import --base-url: "ftp://example.invalid" is not an http(s) URL');
    expect(files(project).has('runbooks/notes/notes.runbook.ts')).toBe(false);
    expect([...files(project).keys()].some((f) => f.startsWith('elsewhere/'))).toBe(false);
  });
});

describe('the imported runbook', () => {
  let gate: Awaited<ReturnType<typeof run>>;
  let coverage: { report: CoverageReport; couldNotTell: string[] };
  let reports: string;

  /**
   * What `rollgate coverage --runbook <RUNBOOK> --json` computes, in this process with the
   * command's own functions (src/cli/coverage.ts), from the project and with the environment run()
   * gives the CLI. The command itself runs through the CLI in coverage-cli.test.ts.
   */
  async function coverageOf(file: string) {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const k of Object.keys(env))
      if (k.startsWith('ROLLGATE_') || k.startsWith('VITEST') || k === 'NODE_ENV') delete env[k];
    const loaded = await loadRunbook(file, project);
    const { report, couldNotTell } = assessCoverage(
      loaded,
      await listStageChecks(project, loaded.runbook, env),
    );
    return { report: CoverageReport.parse(JSON.parse(JSON.stringify(report))), couldNotTell };
  }

  beforeAll(async () => {
    reports = mkdtempSync(path.join(tmpdir(), 'rollgate-import-reports-'));
    [gate, coverage] = await Promise.all([
      run(['gate', 'staging', '--runbook', RUNBOOK, '--release', '3.2.0'], { ROLLGATE_REPORTS_DIR: reports }),
      coverageOf(RUNBOOK),
    ]);
  }, 240_000);
  afterAll(() => rmSync(reports, { recursive: true, force: true }));

  it('HOLDs a stage against a real server: every placeholder errors with ROLLGATE_PLACEHOLDER, the sign-off waits', () => {
    expect(gate.exitCode, gate.all).toBe(1);
    const verdict = Verdict.parse(
      JSON.parse(readFileSync(path.join(reports, 'latest', 'verdict.json'), 'utf8')),
    );
    expect(verdict.verdict).toBe('hold');
    const placeholders = verdict.checks.filter((c) => c.kind === 'vitest');
    expect(placeholders.map((c) => c.id)).toEqual([
      'staging/deploy-release-3-2-to-staging-with-the-migration',
      'staging/run-the-booking-golden-path-against-staging',
      'staging/booking-flow-completes-end-to-end-on-staging',
      'staging/waitlist-page-renders-for-a-signed-in-user',
    ]);
    for (const c of placeholders)
      expect(c).toMatchObject({ status: 'errored', code: 'ROLLGATE_PLACEHOLDER' });
    expect(placeholders[0]!.message).toContain(
      'write this check in runbooks/lantern-rollout/staging.suite.ts',
    );
    expect(
      verdict.checks.find((c) => c.id === 'signoff/legal-sign-off-on-the-updated-cancellation-terms'),
    ).toMatchObject({
      status: 'failed',
    });
    expect(gate.stdout).toContain('HOLD lantern-rollout/staging release 3.2.0');
  });

  it('is reported by coverage: every placeholder item missing, every sign-off manual (exit 1)', () => {
    // Every stage's checks known (else exit 2), something missing: the command's exit 1.
    expect(coverage.couldNotTell).toEqual([]);
    const { report } = coverage;
    expect(report.runbook).toBe('lantern-rollout');
    expect(report.counts).toEqual({ automated: 0, manual: 6, missing: 39 });
    const missing = report.documents[0]!.items.filter((i) => i.status === 'missing');
    for (const i of missing)
      expect(
        i.checks.map((c) => c.placeholder),
        i.label,
      ).toEqual([true]);
    expect(missing.find((i) => i.label === 'Error Rate: Alert Threshold > 0.5%')!.detail).toBe(
      'canary/error-rate-alert-threshold-0-5 is a placeholder in runbooks/lantern-rollout/canary.suite.ts: write it',
    );
  });

  it('render refuses to overwrite an --out file that exists, naming it (nothing written), overwrites it with --force, with markdown that imports back to the same stages, items and budgets', async () => {
    const out = path.join(project, 'rendered/lantern.md');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, 'notes of our own\n');
    const refused = await run(['render', '--runbook', RUNBOOK, '--out', 'rendered/lantern.md']);
    expect(refused.exitCode, refused.all).toBe(1);
    expect(refused.stderr).toContain('rendered/lantern.md exists. Nothing was written.');
    expect(refused.stderr).toContain('--force');
    expect(refused.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe('notes of our own\n');
    const render = await run(['render', '--runbook', RUNBOOK, '--out', 'rendered/lantern.md', '--force']);
    expect(render.exitCode, render.all).toBe(0);
    expect(render.stdout).toContain('→ rendered/lantern.md (overwritten: --force)');
    const md = readFileSync(out, 'utf8');
    expect(md).toContain('## Stage: canary');
    expect(md).toContain(
      '| `canary/error-rate-target-0-1` | Error Rate: Target < 0.1% (placeholder: not written yet) | vitest | blocking |',
    );
    const back = await run([
      'import',
      'rendered/lantern.md',
      '--out',
      'runbooks/again',
      '--base-url',
      baseURL,
    ]);
    expect(back.exitCode, back.all).toBe(0);
    // The name comes back from the rendered file.
    expect(back.stdout).toContain('runbook "lantern-rollout"');
    const [original, again] = await Promise.all([
      loadRunbook(RUNBOOK, project),
      loadRunbook('runbooks/again/lantern-rollout.runbook.ts', project),
    ]);
    expect(Object.keys(again.runbook.stages)).toEqual(Object.keys(original.runbook.stages));
    expect(labels(again.runbook)).toEqual(labels(original.runbook));
    expect(labels(again.runbook)).toHaveLength(45);
    expect(budgets(again.runbook)).toEqual(budgets(original.runbook));
    // Sign-offs come back with their stage, role and reason; items keep their section and kind.
    expect(again.runbook.signoffs).toEqual(original.runbook.signoffs);
    const items = (rb: Runbook) =>
      rb.sources.flatMap((s) => s.items.map((i) => [i.section, i.label, i.kind, i.signoff]));
    expect(items(again.runbook)).toEqual(items(original.runbook));
  }, 240_000);
});
