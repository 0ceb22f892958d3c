import { mkdirSync, readdirSync, readFileSync, watch, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collect } from '../../src/engine/collect.ts';
import type { Plan } from '../../src/engine/plan.ts';
import { key } from '../../src/engine/plan.ts';
import { readRaw } from '../../src/engine/steps/read-raw.ts';
import type { PlannedCheck } from '../../src/model/check-result.ts';
import type { RawResults } from '../../src/model/raw-result.ts';
import { Stage } from '../../src/model/runbook.ts';
import { readRecord, readRecordJson } from '../../src/reporters/read-record.ts';
import { writeRaw } from '../../src/reporters/write-raw.ts';
import { makeMeasurement, makeRawTest, tempDirs, thrown } from './helpers.ts';

const SUITE = 'runbooks/probes.suite.ts';
const SPEC = 'smoke/golden-paths.spec.ts';
const stage = Stage.parse({ target: 'demo', suites: [SUITE], smoke: { specs: [SPEC] } });
const dirs = tempDirs('rollgate-raw-');
afterEach(() => dirs.cleanup());

const planned = (kind: 'vitest' | 'playwright', id: string, titlePath: string[]) => ({
  id,
  titlePath,
  title: titlePath.join(' › '),
  suite: kind === 'vitest' ? SUITE : SPEC,
  kind,
  blocking: true,
});
const checks: (PlannedCheck & { titlePath: string[] })[] = [
  planned('vitest', 'probes/health', ['probes', 'health']),
  planned('vitest', 'probes/version', ['probes', 'version']),
  planned('playwright', 'golden/login', ['golden', 'login']),
  planned('playwright', 'golden/estimate', ['golden', 'estimate']),
];
const plan: Plan = {
  checks: checks.map(({ titlePath: _, ...c }) => c),
  problems: [],
  keys: new Map(checks.map((c) => [key(c.suite, c.titlePath), c.id])),
};

const vitestResults: RawResults = {
  runner: 'vitest',
  tests: checks
    .filter((c) => c.kind === 'vitest')
    .map((c) =>
      makeRawTest({
        file: SUITE,
        id: c.id,
        titlePath: c.titlePath,
        record: { measurements: [makeMeasurement()], evidence: [] },
      }),
    ),
  moduleErrors: [],
  runErrors: [],
};
const playwrightResults: RawResults = {
  runner: 'playwright',
  tests: [
    makeRawTest({ id: 'golden/login', file: SPEC, titlePath: ['golden', 'login'] }),
    makeRawTest({
      file: SPEC,
      id: 'golden/estimate',
      titlePath: ['golden', 'estimate'],
      state: 'failed',
      errors: [{ message: 'expect(locator).toHaveText(): expected "12.00", got "0.00"' }],
    }),
  ],
  moduleErrors: [],
  runErrors: [],
};

/** A run folder with both runners' raw files written by the real writer. */
function runFolder(): { runDir: string; vitestFile: string; playwrightFile: string } {
  const runDir = dirs.make();
  mkdirSync(path.join(runDir, 'raw'));
  const vitestFile = path.join(runDir, 'raw', 'vitest.json');
  const playwrightFile = path.join(runDir, 'raw', 'playwright.json');
  writeRaw(vitestResults, { ROLLGATE_RAW_FILE: vitestFile });
  writeRaw(playwrightResults, { ROLLGATE_RAW_FILE: playwrightFile });
  return { runDir, vitestFile, playwrightFile };
}

function gateChecks(runDir: string, vitestFile: string, playwrightFile: string) {
  const outcomes = [readRaw('vitest', vitestFile, runDir), readRaw('playwright', playwrightFile, runDir)];
  return collect(plan, outcomes, stage).map((c) => [c.id, c.status, c.message]);
}

const playwrightStands = [
  ['golden/login', 'passed', undefined],
  ['golden/estimate', 'failed', 'expect(locator).toHaveText(): expected "12.00", got "0.00"'],
];

describe('raw results read back by the engine', () => {
  it('a vitest raw file truncated mid-write errors the vitest checks with the reason; Playwright results stand', () => {
    const { runDir, vitestFile, playwrightFile } = runFolder();
    const text = readFileSync(vitestFile, 'utf8');
    const cut = text.indexOf('"durationMs": ', text.indexOf('"version"')) + '"durationMs": '.length;
    writeFileSync(vitestFile, text.slice(0, cut)); // what a non-atomic writer killed here leaves
    const reason =
      "no result: raw results raw/vitest.json are not valid JSON (Unexpected end of JSON input): the vitest run's results were cut short; run the gate again";
    expect(gateChecks(runDir, vitestFile, playwrightFile)).toEqual([
      ['probes/health', 'errored', reason],
      ['probes/version', 'errored', reason],
      ...playwrightStands,
    ]);
  });

  it('an empty raw file and a string cut inside a value are not JSON either, each naming the parser error', () => {
    const { runDir, vitestFile } = runFolder();
    writeFileSync(vitestFile, '');
    expect(readRaw('vitest', vitestFile, runDir).failure).toBe(
      "raw results raw/vitest.json are not valid JSON (Unexpected end of JSON input): the vitest run's results were cut short; run the gate again",
    );
    writeFileSync(vitestFile, '{\n  "runner": "vit');
    // Node 22 adds "(line 2 column 17)" after the position: the reason carries the parser's words.
    expect(readRaw('vitest', vitestFile, runDir).failure).toMatch(
      /^raw results raw\/vitest\.json are not valid JSON \(Unterminated string in JSON at position 18[^)]*\): the vitest run's results were cut short; run the gate again$/,
    );
  });

  it('a schema-invalid vitest raw file errors the vitest checks naming the fields; Playwright results stand', () => {
    const { runDir, vitestFile, playwrightFile } = runFolder();
    const bad = JSON.parse(readFileSync(vitestFile, 'utf8'));
    bad.tests[1].state = 'exploded';
    bad.tests[0].titlePath = 'probes health';
    delete bad.runErrors;
    writeFileSync(vitestFile, JSON.stringify(bad));
    const reason =
      'no result: raw results raw/vitest.json do not match the raw results schema (tests.0.titlePath: Invalid input: expected array, received string; tests.1.state: Invalid option: expected one of "passed"|"failed"|"skipped"|"timedOut"|"interrupted"; runErrors: Invalid input: expected array, received undefined): the vitest reporter wrote results this rollgate cannot read; run the reporter of the same rollgate version';
    expect(gateChecks(runDir, vitestFile, playwrightFile)).toEqual([
      ['probes/health', 'errored', reason],
      ['probes/version', 'errored', reason],
      ...playwrightStands,
    ]);
  });

  it("another runner's results under this runner's name, or no file at all, error the runner and say why", () => {
    const { runDir, vitestFile, playwrightFile } = runFolder();
    expect(readRaw('vitest', playwrightFile, runDir).failure).toBe(
      'raw results raw/playwright.json hold playwright results where vitest results were expected: ROLLGATE_RAW_FILE must name a file of its own for each runner',
    );
    expect(readRaw('vitest', path.join(runDir, 'raw', 'missing.json'), runDir).failure).toMatch(
      /^raw results raw\/missing\.json could not be read \(ENOENT: no such file or directory, open '.*missing\.json'\): the vitest run reported nothing usable$/,
    );
    expect(readRaw('vitest', vitestFile, runDir)).toEqual({ kind: 'vitest', raw: vitestResults });
  });

  it('a bad value inside one record errors that check only: the file still parses', () => {
    const { runDir, vitestFile, playwrightFile } = runFolder();
    const raw = JSON.parse(readFileSync(vitestFile, 'utf8'));
    raw.tests[0].record.measurements[0].actual = true;
    writeFileSync(vitestFile, JSON.stringify(raw));
    expect(gateChecks(runDir, vitestFile, playwrightFile)).toEqual([
      [
        'probes/health',
        'errored',
        'recorded a value the verdict cannot hold: measurement "p95-latency": actual must be a number, got boolean true',
      ],
      ['probes/version', 'passed', undefined],
      ...playwrightStands,
    ]);
  });
});

describe('raw results written by the runner-side reporters', () => {
  it('a write goes to a temporary name in the same folder, renamed over the final name: never written in place', async () => {
    const dir = dirs.make();
    const file = path.join(dir, 'vitest.json');
    writeRaw(vitestResults, { ROLLGATE_RAW_FILE: file }); // an older run's file under the final name
    const events: [string, string][] = [];
    const watcher = watch(dir);
    // inotify reports in order: once the final name's rename arrives, every earlier event has too.
    const renamed = new Promise<void>((resolve) =>
      watcher.on('change', (type, name) => {
        events.push([type, String(name)]);
        if (name === 'vitest.json') resolve();
      }),
    );
    writeRaw(playwrightResults, { ROLLGATE_RAW_FILE: file });
    await renamed;
    watcher.close();
    const temp = events[0]![1];
    expect(temp).toMatch(new RegExp(`^\\.vitest\\.json\\.${process.pid}\\.[0-9a-f]{8}\\.tmp$`));
    expect(events.filter(([, name]) => name === 'vitest.json')).toEqual([['rename', 'vitest.json']]);
    expect(events.every(([, name]) => name === temp || name === 'vitest.json')).toBe(true);
    expect(readdirSync(dir)).toEqual(['vitest.json']);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(playwrightResults);
  });

  it('a write that cannot be renamed into place throws naming the file and leaves no partial file', () => {
    const dir = dirs.make();
    const file = path.join(dir, 'vitest.json');
    mkdirSync(path.join(file, 'in-the-way'), { recursive: true });
    const error = thrown(() => writeRaw(vitestResults, { ROLLGATE_RAW_FILE: file }));
    expect(error.message).toMatch(
      new RegExp(`^rollgate could not write raw results ${file}: (EISDIR|ENOTEMPTY|EEXIST)`),
    );
    expect(readdirSync(dir)).toEqual(['vitest.json']);
    expect(readdirSync(file)).toEqual(['in-the-way']);
  });

  it('a check record is parsed with the schema: a bad shape or bad JSON is a problem of that check', () => {
    expect(readRecordJson('{"measurements":[', 'its attachment')).toEqual({
      problems: ['the check record in its attachment is not valid JSON (Unexpected end of JSON input)'],
    });
    expect(readRecord({ measurements: 'p95', evidence: [] }, 'vitest meta')).toEqual({
      problems: [
        'the check record in vitest meta is not a record: measurements: Invalid input: expected array, received string',
      ],
    });
    // Live values: NaN is named before JSON would turn it into null.
    const nan = { ...makeMeasurement({ name: 'lcp' }), actual: Number.NaN };
    expect(readRecord({ measurements: [nan], evidence: [] }, 'vitest meta').problems).toEqual([
      'measurement "lcp": actual must be a finite number, got NaN',
    ]);
    expect(readRecord(undefined, 'vitest meta')).toEqual({});
  });
});
