import { readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { coverageText } from '../../src/cli/coverage.ts';
import { DRILL_CHECK_IDS } from '../../src/engine/steps/drill.ts';
import { CoverageReport } from '../../src/model/coverage.ts';

/**
 * Issue 13, `rollgate coverage` through the CLI of this checkout (node bin/rollgate.mjs, dist/
 * built by the first test file that needs it: run `node scripts/build.mjs` first). The fixture
 * runbook (test/fixtures/coverage/) has an item of each status, against check ids of every
 * origin; coverage lists its stages' tests and never contacts the target.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/rollgate.mjs');
const FIXTURE = 'test/fixtures/coverage/coverage.runbook.ts';

function rollgate(args: string[]) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('ROLLGATE_')) delete env[k];
  return execa(process.execPath, [BIN, ...args], { cwd: ROOT, env, extendEnv: false, reject: false });
}

type Run = Awaited<ReturnType<typeof rollgate>>;
let json: Run;
let unlistable: Run;
let noSources: Run;
let invalid: Run;
let report: CoverageReport;

beforeAll(async () => {
  // Every run at once: each lists its runbook's suites (a few seconds per runner). The table is
  // the same report's text (coverageText, what the command prints without --json): no second
  // listing of the fixture for it.
  [json, unlistable, noSources, invalid] = await Promise.all([
    rollgate(['coverage', '--runbook', FIXTURE, '--json']),
    rollgate(['coverage', '--runbook', 'test/fixtures/coverage/unlistable.runbook.ts']),
    rollgate(['coverage', '--runbook', 'test/fixtures/runbooks/builtin.runbook.ts']),
    rollgate(['coverage', '--runbook', 'test/fixtures/runbooks/invalid.runbook.ts']),
  ]);
  report = CoverageReport.parse(JSON.parse(json.stdout));
}, 240_000);

const item = (label: string) => {
  const found = report.documents.flatMap((d) => d.items).find((i) => i.label === label);
  if (!found) throw new Error(`no item "${label}"`);
  return found;
};

describe('rollgate coverage', () => {
  it('exits 1 when an item is missing, and prints a zod-typed report', () => {
    expect(json.exitCode, json.stderr).toBe(1);
    expect(report.runbook).toBe('coverage-fixture');
    expect(report.documents.map((d) => d.document)).toEqual(['coverage-plan.md', 'approvals.md']);
    expect(report.counts).toEqual({ automated: 3, manual: 1, missing: 7 });
    expect(report.documents[1]!.counts).toEqual({ automated: 0, manual: 1, missing: 1 });
  });

  it('automated: a real check of a suite, stage-qualified or not', () => {
    expect(item('Booking page answers')).toMatchObject({
      status: 'automated',
      checks: [
        {
          ref: 'coverage/real-check',
          stages: ['checks', 'dr'],
          title: 'the booking page answers',
          suite: 'test/fixtures/coverage/checks.suite.ts',
          placeholder: false,
        },
      ],
    });
    expect(item('Booking page answers in stage checks')).toMatchObject({
      status: 'automated',
      checks: [{ ref: 'checks:coverage/real-check', stages: ['checks'] }],
    });
  });

  it('automated: ids the engine makes (built-in, window, stage order, load, zero downtime, drill, sign-off)', () => {
    const engine = item('Health, window, order, load, zero downtime, drill');
    expect(engine.status, engine.detail).toBe('automated');
    expect(engine.checks.map((c) => [c.ref, c.stages])).toEqual([
      ['probes/health-live', ['checks', 'canary']],
      ['checks:window/deployment-window', ['checks']],
      ['canary:requires/checks', ['canary']],
      ['canary:load/coverage-load', ['canary']],
      ['canary:availability/zero-downtime', ['canary']],
      ['dr:drill/rpo', ['dr']],
      ['canary:signoff/security-approval', ['canary']],
    ]);
  });

  it('missing: a reference to a stage that does not run it, naming where it runs', () => {
    expect(item('Booking page answers in the canary')).toMatchObject({
      status: 'missing',
      detail: expect.stringContaining(
        'canary:coverage/real-check resolves to no check of stage canary (coverage/real-check runs in checks, dr)',
      ),
      checks: [{ stages: [] }],
    });
  });

  it('missing: a reference that resolves to nothing, with the close ids', () => {
    const bad = item('Booking page, mistyped');
    expect(bad.status).toBe('missing');
    expect(bad.checks[0]!.closest![0]).toBe('coverage/real-check');
    expect(bad.detail).toContain(
      'coverage/real-chek resolves to no check of any stage; close: coverage/real-check',
    );
  });

  it('missing: placeholders, vitest (with an id and without) and Playwright', () => {
    expect(item('Waitlist open')).toMatchObject({
      status: 'missing',
      detail: 'coverage/not-written is a placeholder in test/fixtures/coverage/checks.suite.ts: write it',
      checks: [{ placeholder: true }],
    });
    expect(item('Receipts emailed')).toMatchObject({
      status: 'missing',
      checks: [{ id: 'checks/receipts-are-emailed', placeholder: true }],
    });
    expect(item('A table can be booked')).toMatchObject({
      status: 'missing',
      checks: [{ id: 'golden/todo', suite: 'test/fixtures/coverage/golden.spec.ts', placeholder: true }],
    });
  });

  it('manual with a reason; missing without one, or with nothing at all', () => {
    expect(item('Security approval')).toMatchObject({
      status: 'manual',
      signoff: { title: 'Security approval', stage: 'canary', role: 'security' },
      detail: expect.stringContaining('an approval is a decision, not a state of the deployment'),
    });
    expect(item('Support briefed before the canary')).toMatchObject({
      status: 'missing',
      detail: expect.stringContaining('gives no reason'),
    });
    expect(item('Nothing encodes this')).toMatchObject({ status: 'missing', kind: 'criterion' });
  });

  it('prints a table per document with the counts', () => {
    // What `rollgate coverage` prints without --json: src/cli/coverage.ts prints coverageText of
    // the report it would print as JSON, and exits as it does with --json (1: something missing).
    const text = { stdout: `${coverageText(report)}\n` };
    expect(json.exitCode, json.stderr).toBe(1);
    expect(text.stdout).toMatch(
      /^ {2}Checks {3}Waitlist open +checkbox +missing +coverage\/not-written is a placeholder/m,
    );
    expect(text.stdout).toMatch(
      /^ {2}Approvals +Security approval +checkbox +manual +sign-off "Security approval"/m,
    );
    expect(text.stdout).toContain('coverage-plan.md: automated 3, manual 0, missing 6');
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe('automated 3, manual 1, missing 7');
  });

  it('exits 2 when a suite cannot be listed, naming it', () => {
    const r = unlistable;
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('could not tell');
    expect(r.stderr).toContain(
      'stage checks: test/fixtures/coverage/unlistable.suite.ts: could not list tests',
    );
  });

  it('exits 2 for a runbook without sources, saying what sources are', () => {
    const r = noSources;
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('records no documents (sources)');
    expect(r.stderr).toContain('rollgate import');
    expect(r.stdout).toBe('');
  });

  it('exits 2 for an invalid runbook', () => {
    const r = invalid;
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('ROLLGATE_RUNBOOK_INVALID');
  });
});

describe('the drill ids coverage resolves against', () => {
  it('are every drill/ id the drill steps make, and only those', () => {
    const made = new Set(
      ['drill.ts', 'drill-provenance.ts'].flatMap((f) =>
        [
          ...readFileSync(path.join(ROOT, 'src/engine/steps', f), 'utf8')
            // The list itself is what is checked: only the ids the steps use count.
            .replace(/export const DRILL_CHECK_IDS = \[[\s\S]*?\] as const;/, '')
            .matchAll(/'(drill\/[a-z-]+)'/g),
        ].map((m) => m[1]!),
      ),
    );
    expect([...made].sort()).toEqual([...DRILL_CHECK_IDS].sort());
  });
});
