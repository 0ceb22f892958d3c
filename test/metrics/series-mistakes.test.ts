import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { backfillOpenMetrics } from '../../src/checks/metrics/prometheus/backfill.ts';
import { findPrometheus } from '../../src/checks/metrics/prometheus/binaries.ts';
import { RollgateError } from '../../src/config/errors.ts';
import { validateRunbook } from '../../src/config/load-runbook.ts';
import { seriesFileProblem } from '../../src/config/runbook-files.ts';
import { Runbook } from '../../src/model/runbook.ts';
import { rejection, tempDirs, thrown } from '../unit/helpers.ts';

// Recorded-series mistakes a new user makes, caught before a Prometheus starts: a series path that
// names no file (validate), and lines the real promtool would refuse with a message naming no line,
// or accept and misplace (backfill).
const BIN = findPrometheus({ root: path.resolve(import.meta.dirname, '../..'), env: process.env });
const dirs = tempDirs('rollgate-series-mistakes-');
afterAll(() => dirs.cleanup());
const dir = dirs.make();
const T = 1730000000;

function write(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Runs promtool itself on `file`: the behaviour the refusals below stand in front of. */
async function promtool(file: string) {
  const out = path.join(dir, `promtool-${path.basename(file)}`);
  const r = await execa(BIN.promtool, ['tsdb', 'create-blocks-from', 'openmetrics', file, out], {
    reject: false,
    all: true,
  });
  return { code: r.exitCode, all: r.all ?? '', out };
}

/** Backfills `file`; returns the refusal and whether the data folder was made (it is just before promtool runs). */
async function refusal(file: string): Promise<{ message: string; ranPromtool: boolean }> {
  const dataDir = path.join(dir, `data-${path.basename(file)}`);
  const e = await rejection(backfillOpenMetrics({ promtool: BIN.promtool, file, dataDir }));
  expect(e).toBeInstanceOf(RollgateError);
  expect(e.code).toBe('ROLLGATE_METRICS_SERIES');
  return { message: e.message, ranPromtool: existsSync(dataDir) };
}

describe('backfill refuses lines promtool would refuse without naming them, or misplace', () => {
  it('a comment other than HELP/TYPE/UNIT/EOF: file, line number and line, before promtool runs', async () => {
    const file = write('comment.om', [
      '# TYPE up gauge',
      '# expect: fail',
      `up 1 ${T}`,
      `up 1 ${T + 60}`,
      '# EOF',
    ]);
    // promtool fails on it with a parser message that names no line.
    const direct = await promtool(file);
    expect(direct.code).toBe(1);
    expect(direct.all).toMatch(/not a valid start token/);
    expect(direct.all).not.toMatch(/line 2/);
    const r = await refusal(file);
    expect(r.ranPromtool).toBe(false);
    expect(r.message).toBe(
      `${file}: line 2 ("# expect: fail"): promtool accepts only the comments # HELP, # TYPE, # UNIT and the closing # EOF; remove it (what the series should show belongs in the runbook's metricTests expect)`,
    );
  });

  it('timestamps in milliseconds: promtool accepts them tens of millennia ahead; rollgate names the first', async () => {
    const file = write('millis.om', [
      '# TYPE up gauge',
      `up 1 ${T}`,
      `up 1 ${T}000`,
      `up 1 ${T + 60}000`,
      '# EOF',
    ]);
    const direct = await promtool(file);
    expect(direct.code, direct.all).toBe(0);
    // Each block's meta.json holds its time range in ms: the "milliseconds" became seconds × 1000.
    const maxTimes = readdirSync(direct.out)
      .filter((b) => existsSync(path.join(direct.out, b, 'meta.json')))
      .map((b) => JSON.parse(readFileSync(path.join(direct.out, b, 'meta.json'), 'utf8')).maxTime as number);
    expect(Math.max(...maxTimes)).toBeGreaterThan(1e15); // 1.73e15 ms after 1970 is the year ~56800
    const r = await refusal(file);
    expect(r.ranPromtool).toBe(false);
    expect(r.message).toBe(
      `${file}: timestamps look like milliseconds (${T}000 on line 3): OpenMetrics timestamps are seconds; divide them by 1000`,
    );
  });

  it('a sample without a timestamp: promtool rejects the file naming no line; rollgate names them', async () => {
    const lines = ['# TYPE up gauge', `up 1 ${T}`, 'up 2', `up 3 ${T + 120}`];
    for (let i = 0; i < 4; i++) lines.push(`up{i="${i}"} ${i}`);
    const file = write('unstamped.om', [...lines, '# EOF']);
    const direct = await promtool(file);
    expect(direct.code).toBe(1);
    expect(direct.all).toContain('expected timestamp for series got none');
    const r = await refusal(file);
    expect(r.ranPromtool).toBe(false);
    expect(r.message).toBe(
      `${file}: sample without a timestamp on lines 3 ("up 2"), 5 ("up{i=\\"0\\"} 0"), 6 ("up{i=\\"1\\"} 1") and 2 more: promtool backfills only samples that carry one; add its time in Unix seconds after the value`,
    );
  });

  it('blank lines and lines after # EOF, which promtool also refuses, are named too; every mistake at once', async () => {
    const file = write('several.om', ['# HELP up Up.', '# note', '', `up 1 ${T}000`, 'up 2', '# EOF', '']);
    expect((await promtool(file)).code).toBe(1);
    const r = await refusal(file);
    expect(r.ranPromtool).toBe(false);
    expect(r.message.split('\n')).toEqual([
      `${file}: line 2 ("# note"): promtool accepts only the comments # HELP, # TYPE, # UNIT and the closing # EOF; remove it (what the series should show belongs in the runbook's metricTests expect)`,
      `${file}: timestamps look like milliseconds (${T}000 on line 4): OpenMetrics timestamps are seconds; divide them by 1000`,
      `${file}: sample without a timestamp on line 5 ("up 2"): promtool backfills only samples that carry one; add its time in Unix seconds after the value`,
      `${file}: blank line 3: OpenMetrics has none and promtool refuses them; remove it`,
      `${file}: line 7 follows "# EOF": the file must end there; remove what follows it (blank lines too)`,
    ]);
  });

  it('the comments promtool takes, a timestamp of 1e11 and an exemplar still backfill', async () => {
    const file = write('fine.om', [
      '# HELP job_duration_seconds Job time.',
      '# TYPE job_duration_seconds gauge',
      '# UNIT job_duration_seconds seconds',
      `job_duration_seconds 1 ${T}`,
      `job_duration_seconds 2 ${T + 30}`,
      '# TYPE req counter',
      `req_total{path="/a # b"} 3 ${T} # {trace="x"} 1 ${T}`,
      'req_total{path="/a # b"} 4 100000000000',
      '# EOF',
    ]);
    const dataDir = path.join(dir, 'data-fine');
    expect(await backfillOpenMetrics({ promtool: BIN.promtool, file, dataDir })).toEqual({
      start: T,
      end: 1e11,
      interval: 30,
      series: 2,
    });
    expect(readdirSync(dataDir).length).toBeGreaterThan(0);
  });
});

describe('validate: a metricTests series that names no file', () => {
  const root = dirs.make();
  mkdirSync(path.join(root, 'runbooks/series'), { recursive: true });
  writeFileSync(path.join(root, 'runbooks/series/memory-flat-6h.om'), `up 1 ${T}\n# EOF\n`);
  mkdirSync(path.join(root, 'runbooks/series/old'));
  const check = { name: 'up', query: 'up', operator: '==', value: 1, window: '1m' } as const;
  const runbook = (series: string[], extra: Record<string, unknown> = {}) => ({
    name: 'shop',
    targets: { canary: { baseURL: 'http://127.0.0.1:9' } },
    providers: { prom: { type: 'prometheus' } },
    stages: {
      soak: {
        target: 'canary',
        metrics: [check],
        metricTests: series.map((s) => ({ series: s, expect: { up: 'pass' } })),
        ...extra,
      },
    },
  });
  const where = `under ${root} (resolved from the project root, the current directory)`;

  it('names the field and file, with the close name in that folder, with every other problem at once', () => {
    const e = thrown(() =>
      validateRunbook(
        'x.runbook.ts',
        runbook(['runbooks/series/memory-flat-6h.om', 'runbooks/series/memory-flat-6.om', 'nowhere/x.om'], {
          retries: 9,
          suites: ['no-such.suite.ts'],
        }),
        root,
      ),
    );
    expect(e.code).toBe('ROLLGATE_RUNBOOK_INVALID');
    expect(e.message.split('\n')).toEqual([
      'x.runbook.ts: stages.soak.retries: Too big: expected number to be <=5',
      `x.runbook.ts: stages.soak.suites.0: suite "no-such.suite.ts" matches no file ${where}: fix the path, or run rollgate from the project root`,
      `x.runbook.ts: stages.soak.metricTests.1.series: runbooks/series/memory-flat-6.om does not exist ${where}; did you mean runbooks/series/memory-flat-6h.om?: fix the path, or run rollgate from the project root`,
      `x.runbook.ts: stages.soak.metricTests.2.series: nowhere/x.om does not exist ${where}: fix the path, or run rollgate from the project root`,
      'Fix the field(s) above; nothing was run.',
    ]);
  });

  it('a folder is not a series file; a far name gets no guess; an existing file is no problem', () => {
    expect(seriesFileProblem('runbooks/series/old', root)).toBe(
      `runbooks/series/old is a folder ${where}, not a series file: name the .om file in it`,
    );
    expect(seriesFileProblem('runbooks/series/errors-spike.om', root)).toBe(
      `runbooks/series/errors-spike.om does not exist ${where}: fix the path, or run rollgate from the project root`,
    );
    expect(seriesFileProblem('runbooks/series/memory-flat-6h.om', root)).toBeUndefined();
    expect(validateRunbook('x.runbook.ts', runbook(['runbooks/series/memory-flat-6h.om']), root).name).toBe(
      'shop',
    );
  });
});

describe('metricTests expect naming no check of the stage', () => {
  const stage = (expectNames: string[]) => ({
    name: 'shop',
    targets: { canary: { baseURL: 'http://127.0.0.1:9' } },
    providers: { prom: { type: 'prometheus' } },
    stages: {
      soak: {
        target: 'canary',
        metrics: ['memory-growth', 'db-connections'].map((name) => ({
          name,
          query: 'q',
          operator: '<',
          value: 1,
          window: '1m',
        })),
        metricTests: [{ series: 'a.om', expect: Object.fromEntries(expectNames.map((n) => [n, 'pass'])) }],
      },
    },
  });
  const issues = (v: unknown) => {
    const r = Runbook.safeParse(v);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('suggests the close check name, and none when nothing is close', () => {
    expect(issues(stage(['memory-growht', 'DB-connection', 'latency', 'memory-growth']))).toEqual([
      "stages.soak.metricTests.0.expect.memory-growht: names no metric check of this stage; its checks: memory-growth, db-connections; did you mean 'memory-growth'?",
      "stages.soak.metricTests.0.expect.DB-connection: names no metric check of this stage; its checks: memory-growth, db-connections; did you mean 'db-connections'?",
      'stages.soak.metricTests.0.expect.latency: names no metric check of this stage; its checks: memory-growth, db-connections',
    ]);
  });
});
