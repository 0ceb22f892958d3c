import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, test, vi } from 'vitest';
import { ROOT, rollgate } from '../e2e/helpers.ts';
import { cliIn } from '../unit/cli-in.ts';
import { processesUsing } from './processes.ts';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'rollgate-cli-metrics-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

/**
 * `rollgate <args>` run in this process (test/unit/cli-in.ts): the same main(), exit code and
 * output, without starting Node and loading rollgate again for each test. The demo soak, the demo
 * canary and SIGINT below run the real bin as a user does.
 */
async function inProcess(args: string[], env: Record<string, string> = {}) {
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  const r = await cliIn(ROOT, args);
  return { exitCode: r.code, stdout: r.out, stderr: r.err, all: `${r.out}\n${r.err}` };
}

/** A runbook written for one test: a plain object (no import), its series paths relative to the repository. */
function runbookFile(name: string, runbook: object): string {
  const file = path.join(scratch, `${name}.runbook.ts`);
  writeFileSync(file, `export default ${JSON.stringify(runbook, null, 2)};\n`);
  return file;
}

/** Polls until `ready()` holds; throws saying what was awaited when `ms` pass first. */
async function until(what: string, ready: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const soakCheck = (name: string, window: string) => ({
  name,
  query: 'max_over_time(process_resident_memory_bytes{rollgate_target="{target}"}[{window}])',
  operator: '<',
  value: 1e12,
  window,
});

const GROWING = 'runbooks/series/memory-growing-3pct-6h.om';
const FLAT = 'runbooks/series/memory-flat-6h.om';
const PROBLEMS = ['--runbook', 'test/fixtures/metrics/series-problems.runbook.ts'];
const WRONG = ['--runbook', 'test/fixtures/metrics/wrong-expectation.runbook.ts'];
const MEMORY_QUERY =
  'deriv(process_resident_memory_bytes{rollgate_target="canary"}[3600000ms]) * 3600 / avg_over_time(process_resident_memory_bytes{rollgate_target="canary"}[3600000ms])';

/** The lines `rollgate metrics test` printed for one series: its heading and what follows, up to the next. */
function block(stdout: string, stage: string, series: string): string {
  const parts = stdout.split(new RegExp(`^(?=${stage}: )`, 'm'));
  const found = parts.find((p) => p.startsWith(`${stage}: ${series}`));
  if (!found) throw new Error(`no block for ${series} in:\n${stdout}`);
  return found;
}

/** The value a check's message reports, in ratio/h: `memory-growth: 0.02962 ratio/h …`. */
function ratioPerHour(text: string): number {
  const m = /memory-growth: (-?\d+(?:\.\d+)?(?:e-?\d+)?) ratio\/h/.exec(text);
  if (!m) throw new Error(`no memory-growth value in:\n${text}`);
  return Number(m[1]);
}

interface Result {
  stage: string;
  series: string;
  check: string;
  expected: string;
  got: string;
  ok: boolean;
  message: string;
}

/** `rollgate metrics test` as a user runs it: recorded series judged on a throw-away Prometheus. */
describe('rollgate metrics test', () => {
  test('the demo soak: the 3%/h leak fails "memory growing > 2%/hour" at ~0.03 ratio/h, flat memory passes', async () => {
    const r = await rollgate(['metrics', 'test', '--stage', 'canary-soak'], {});
    expect(r.exitCode, r.all).toBe(0);
    const growing = block(r.stdout, 'canary-soak', GROWING);
    expect(growing).toMatch(/^ {2}ok {3}memory-growth: fail$/m);
    expect(growing).toContain('violates < 0.02 ratio/h');
    expect(ratioPerHour(growing)).toBeGreaterThan(0.025);
    expect(ratioPerHour(growing)).toBeLessThan(0.035);
    const flat = block(r.stdout, 'canary-soak', FLAT);
    expect(flat).toMatch(/^ {2}ok {3}memory-growth: pass$/m);
    expect(Math.abs(ratioPerHour(flat))).toBeLessThan(0.005);
    expect(r.stdout).toMatch(/^4 expectations met$/m);
    // Only the stage asked for.
    expect(r.stdout).not.toMatch(/^canary: /m);
  });

  test('--json: one result per expectation with stage, series, check, expected, got and ok', async () => {
    const r = await inProcess(['metrics', 'test', '--stage', 'canary-soak', '--json']);
    expect(r.exitCode, r.all).toBe(0);
    const out = JSON.parse(r.stdout) as { ok: boolean; results: Result[] };
    expect(out.ok).toBe(true);
    const fields = out.results.map(({ message: _m, ...rest }) => rest);
    expect(fields).toEqual([
      {
        stage: 'canary-soak',
        series: GROWING,
        check: 'memory-growth',
        expected: 'fail',
        got: 'fail',
        ok: true,
      },
      { stage: 'canary-soak', series: FLAT, check: 'memory-growth', expected: 'pass', got: 'pass', ok: true },
      {
        stage: 'canary-soak',
        series: 'runbooks/series/connection-leak-6h.om',
        check: 'db-connections',
        expected: 'fail',
        got: 'fail',
        ok: true,
      },
      {
        stage: 'canary-soak',
        series: 'runbooks/series/connections-normal-6h.om',
        check: 'db-connections',
        expected: 'pass',
        got: 'pass',
        ok: true,
      },
    ]);
    const leak = out.results[0]!;
    expect(ratioPerHour(leak.message)).toBeGreaterThan(0.025);
    expect(ratioPerHour(leak.message)).toBeLessThan(0.035);
    expect(leak.message).toContain(`query: ${MEMORY_QUERY}`);
  });

  test('an expectation the series does not meet: exit 1, FAIL with the check, what it got and its query', async () => {
    const r = await inProcess(['metrics', 'test', ...WRONG, '--stage', 'canary-soak']);
    expect(r.exitCode, r.all).toBe(1);
    const growing = block(r.stdout, 'canary-soak', GROWING);
    expect(growing).toMatch(/^ {2}FAIL memory-growth: fail, expected pass$/m);
    expect(growing).toContain(`query: ${MEMORY_QUERY}`);
    expect(growing).toMatch(/answer sha256:[0-9a-f]{16}/);
    expect(block(r.stdout, 'canary-soak', FLAT)).toMatch(/^ {2}ok {3}memory-growth: pass$/m);
    expect(r.stdout).toMatch(/^1 of 2 expectations not met$/m);
  });

  test('a series without "# EOF" is refused: exit 2 naming the file', async () => {
    const r = await inProcess(['metrics', 'test', ...PROBLEMS, '--stage', 'no-eof']);
    expect(r.exitCode, r.all).toBe(2);
    expect(r.stderr).toMatch(/test\/fixtures\/metrics\/no-eof\.om does not end with "# EOF"/);
    expect(r.stderr).toContain('add the line "# EOF" at its end');
    expect(r.stderr).toContain('ROLLGATE_METRICS_SERIES');
  });

  test('a comment line promtool would refuse: exit 2 naming the file, the line and the fix, before promtool runs', async () => {
    const r = await inProcess(['metrics', 'test', ...PROBLEMS, '--stage', 'comment']);
    expect(r.exitCode, r.all).toBe(2);
    expect(r.stderr).toContain('test/fixtures/metrics/stray-comment.om: line 3 ("# hello")');
    expect(r.stderr).toContain(
      'promtool accepts only the comments # HELP, # TYPE, # UNIT and the closing # EOF',
    );
    expect(r.stderr).toContain('ROLLGATE_METRICS_SERIES');
  });

  test('a series promtool rejects: exit 2 with promtool’s reason and the fix', async () => {
    const r = await inProcess(['metrics', 'test', ...PROBLEMS, '--stage', 'bad-value']);
    expect(r.exitCode, r.all).toBe(2);
    expect(r.stderr).toMatch(/test\/fixtures\/metrics\/bad-value\.om: promtool rejected it/);
    expect(r.stderr).toContain('ROLLGATE_METRICS_SERIES');
  });

  test('a series file that does not exist makes the runbook invalid: exit 2 naming the field', async () => {
    const r = await inProcess([
      'metrics',
      'test',
      '--runbook',
      'test/fixtures/metrics/missing-series.runbook.ts',
    ]);
    expect(r.exitCode, r.all).toBe(2);
    expect(r.stderr).toContain(
      'stages.missing.metricTests.0.series: test/fixtures/metrics/no-such-series.om does not exist',
    );
    expect(r.stderr).toContain('ROLLGATE_RUNBOOK_INVALID');
  });

  test('ROLLGATE_PROMETHEUS naming no binary: exit 2 ROLLGATE_PROMETHEUS_MISSING with the fix', async () => {
    const r = await inProcess(['metrics', 'test', '--stage', 'canary-soak'], {
      ROLLGATE_PROMETHEUS: '/nonexistent/prometheus',
    });
    expect(r.exitCode, r.all).toBe(2);
    expect(r.stderr).toContain('ROLLGATE_PROMETHEUS_MISSING');
    expect(r.stderr).toContain('ROLLGATE_PROMETHEUS=/nonexistent/prometheus is not an executable file');
    expect(r.stderr).toMatch(/point it at a prometheus binary.*or unset it/);
    expect(r.stdout).not.toMatch(/expectation/);
  });

  test('rollgate validate refuses an expect naming no check of the stage, with the field path', async () => {
    const r = await inProcess(['validate', '--runbook', 'test/fixtures/metrics/unknown-expect.runbook.ts']);
    expect(r.exitCode, r.all).toBe(2);
    expect(r.stderr).toContain(
      'stages.soak.metricTests.0.expect.memory-growht: names no metric check of this stage; its checks: memory-growth, db-connections',
    );
    expect(r.stderr).toContain('ROLLGATE_RUNBOOK_INVALID');
  });

  test('a stage without recorded series: exit 2 saying what to declare', async () => {
    const r = await inProcess(['metrics', 'test', ...WRONG, '--stage', 'canary']);
    expect(r.exitCode, r.all).toBe(2);
    expect(r.stderr).toContain('stage "canary" declares no recorded series to test');
    expect(r.stderr).toMatch(/metricTests: \[\{ series: '.*\.om', expect: \{ '<check>': 'fail' \} \}\]/);
  });

  test('a runbook with no recorded series at all: exit 2 saying what to declare', async () => {
    const r = await inProcess(['metrics', 'test', '--runbook', 'test/fixtures/runbooks/metrics.runbook.ts']);
    expect(r.exitCode, r.all).toBe(2);
    expect(r.stderr).toContain('no stage declares recorded series to test (metricTests: [{ series:');
    expect(r.stderr).toContain('ROLLGATE_BAD_ARGUMENT');
  });

  test("the demo canary: its minTraffic 'load' guard is judged with the rule of three, said under each line", async () => {
    const r = await rollgate(['metrics', 'test', '--stage', 'canary'], {});
    expect(r.exitCode, r.all).toBe(0);
    const note =
      "        note: minTraffic.count 'load' has no load step on a recording: judged with the rule of three, 600 requests";
    for (const series of ['runbooks/series/error-spike-1h.om', 'runbooks/series/errors-normal-1h.om']) {
      const lines = block(r.stdout, 'canary', series).split('\n');
      const at = lines.findIndex((l) => /^ {2}ok {3}error-ratio: /.test(l));
      expect(lines[at + 2], r.stdout).toBe(note);
    }
    const json = await inProcess(['metrics', 'test', '--stage', 'canary', '--json']);
    const out = JSON.parse(json.stdout) as { results: (Result & { note?: string })[] };
    expect(out.results.map((x) => x.note)).toEqual([note.trim().slice(6), note.trim().slice(6)]);
  });

  test('a window longer than the recording is no data, printed with how much the recording covers', async () => {
    const file = runbookFile('long-window', {
      name: 'long-window',
      targets: { canary: { baseURL: 'http://127.0.0.1:9' } },
      providers: { prometheus: { type: 'prometheus' } },
      stages: {
        soak: {
          target: 'canary',
          metrics: [soakCheck('memory-12h', '12h'), soakCheck('memory-1h', '1h')],
          metricTests: [
            {
              series: 'runbooks/series/memory-flat-6h.om',
              expect: { 'memory-12h': 'pass', 'memory-1h': 'pass' },
            },
          ],
        },
      },
    });
    const r = await inProcess(['metrics', 'test', '--runbook', file]);
    expect(r.exitCode, r.all).toBe(1);
    expect(r.stdout).toMatch(/^ {2}FAIL memory-12h: no-data, expected pass$/m);
    expect(r.stdout).toMatch(
      /^ {8}no data: the recording covers 6h of the 12h window \(its first sample is 6h after the window's start\)/m,
    );
    expect(r.stdout).toMatch(/^ {2}ok {3}memory-1h: pass$/m);
    expect(r.stdout).toMatch(/^1 of 2 expectations not met$/m);
  });

  test('a json check in expect is refused: exit 2 naming the check, the stage and the runbook', async () => {
    const file = runbookFile('json-expect', {
      name: 'json-expect',
      targets: { app: { baseURL: 'http://127.0.0.1:9' } },
      providers: { stats: { type: 'json', url: '/stats' } },
      stages: {
        app: {
          target: 'app',
          metrics: [{ name: 'error-rate', query: 'errors.rate', operator: '<', value: 0.005 }],
          metricTests: [{ series: 'runbooks/series/errors-normal-1h.om', expect: { 'error-rate': 'pass' } }],
        },
      },
    });
    const r = await inProcess(['metrics', 'test', '--runbook', file]);
    expect(r.exitCode, r.all).toBe(2);
    expect(r.stderr).toContain(
      'stages.app.metricTests.0.expect.error-rate: check "error-rate" of stage "app" reads the json provider "stats"',
    );
    expect(r.stderr).toContain('json-expect.runbook.ts');
    expect(r.stderr).toContain('ROLLGATE_RUNBOOK_INVALID');
    expect(r.stdout).not.toMatch(/expectation/);
  });

  test('SIGINT mid-run: exit 2 "interrupted", no temp folder and no Prometheus left behind', async () => {
    const tmp = mkdtempSync(path.join(scratch, 'tmp-'));
    const child = rollgate(['metrics', 'test', '--stage', 'canary-soak'], { TMPDIR: tmp });
    const ours = () => readdirSync(tmp).filter((f) => f.startsWith('rollgate-'));
    await until(`a rollgate-series- folder in ${tmp}`, () =>
      ours().some((f) => f.startsWith('rollgate-series-')),
    );
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode, r.all).toBe(2);
    expect(r.stderr).toContain('rollgate: interrupted (SIGINT): nothing more was tested');
    expect(r.stdout).not.toMatch(/expectations? (met|not met)/);
    expect(ours()).toEqual([]);
    expect(processesUsing(tmp)).toEqual([]);
    expect(existsSync(tmp)).toBe(true);
  });
});
