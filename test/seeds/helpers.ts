import { readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { expect } from 'vitest';
import { loadRunbook } from '../../src/config/load-runbook.ts';
import { assessCoverage } from '../../src/engine/coverage/coverage.ts';
import { listStageChecks } from '../../src/engine/coverage/stage-checks.ts';
import { CoverageReport } from '../../src/model/coverage.ts';
import type { Runbook } from '../../src/model/runbook.ts';
import type { SourceItem } from '../../src/model/sources.ts';
import { cleanEnv } from '../e2e/helpers.ts';

/**
 * What the seed runbook tests share (issue 13): loading a seed runbook, the floor of recorded items
 * per document, what every seed's sources and coverage must show, the labels that must never be a
 * sign-off, and the demo (or a stand-in script) started as a deployment starts it (`tsx demo/main.ts`,
 * which also writes its effective config file).
 */

export const ROOT = path.resolve(import.meta.dirname, '../..');

export async function loadSeedRunbook(file: string): Promise<Runbook> {
  return (await loadRunbook(file, ROOT)).runbook;
}

/** The least number of items a document's source must record: checkboxes + metric rows + thresholds. */
export function sourceFloor(document: string): number {
  const floors = JSON.parse(
    readFileSync(path.join(ROOT, 'test/fixtures/seeds/source-lines.json'), 'utf8'),
  ) as Record<string, { checkboxLines: number; metricRows: number; thresholds: number }>;
  const f = floors[document];
  if (!f) throw new Error(`no floor for ${document} in test/fixtures/seeds/source-lines.json`);
  return f.checkboxLines + f.metricRows + f.thresholds;
}

/**
 * The runbook records one document, `document`: at least its floor of items, exactly `checkboxes`
 * of them checkboxes, every item encoded (checks or a sign-off), every sign-off used by an item and
 * giving its reason. Returns the items, for the test's own assertions.
 */
export function expectSourcesRecorded(rb: Runbook, document: string, checkboxes: number): SourceItem[] {
  expect(rb.sources.map((s) => s.document)).toEqual([document]);
  const { items } = rb.sources[0]!;
  expect(items.length).toBeGreaterThanOrEqual(sourceFloor(document));
  expect(items.filter((i) => i.kind === 'checkbox')).toHaveLength(checkboxes);
  expect(items.filter((i) => !i.checks.length && !i.signoff).map((i) => i.label)).toEqual([]);
  const used = new Set(items.map((i) => i.signoff).filter(Boolean));
  expect(rb.signoffs.filter((s) => !used.has(s.title)).map((s) => s.title)).toEqual([]);
  expect(rb.signoffs.filter((s) => !s.reason).map((s) => s.title)).toEqual([]);
  return items;
}

/**
 * What `rollgate coverage --runbook <file> --json` computes, in this process and with the command's
 * own functions (src/cli/coverage.ts): the runbook loaded, each stage's checks listed (the runners
 * list the suites' tests; nothing runs), the items assessed, the report read back through the
 * model's zod schema as the command prints it. `couldNotTell` is what makes the command exit 2.
 * The command itself (its exit codes, JSON and table) is run through the CLI once, in
 * test/authoring/coverage-cli.test.ts; the seeds need its answer, not another process start.
 */
export async function runCoverage(
  runbookFile: string,
): Promise<{ report: CoverageReport; couldNotTell: string[] }> {
  const loaded = await loadRunbook(runbookFile, ROOT);
  expect(loaded.runbook.sources.length, `${runbookFile} records no sources`).toBeGreaterThan(0);
  const lists = await listStageChecks(ROOT, loaded.runbook, cleanEnv());
  const { report, couldNotTell } = assessCoverage(loaded, lists);
  return { report: CoverageReport.parse(JSON.parse(JSON.stringify(report))), couldNotTell };
}

/**
 * Coverage of the runbook (a run started earlier, or one started now) can tell every stage's checks
 * and finds its documents with nothing missing (the command's exit 0): every item counted, each
 * with checks automated (every check it names run by a stage), each with a sign-off manual; more
 * automated than manual. Returns the report, for the test's own assertions.
 */
export async function expectCoverageComplete(
  rb: Runbook,
  runbookFile: string,
  run: ReturnType<typeof runCoverage> = runCoverage(runbookFile),
): Promise<CoverageReport> {
  const { report, couldNotTell } = await run;
  expect(couldNotTell).toEqual([]);
  expect(report.runbook).toBe(rb.name);
  expect(report.documents.map((d) => d.document)).toEqual(rb.sources.map((s) => s.document));
  expect(report.documents.map((d) => d.counts.missing)).toEqual(rb.sources.map(() => 0));
  expect(report.counts.missing).toBe(0);
  const recorded = rb.sources.flatMap((s) => s.items);
  expect(report.counts.automated + report.counts.manual).toBe(recorded.length);
  // Item by item, in the runbook's order: checks make it automated, a sign-off manual.
  const items = report.documents.flatMap((d) => d.items);
  expect(items.map((i) => i.label)).toEqual(recorded.map((i) => i.label));
  expect(items.map((i) => i.status)).toEqual(recorded.map((i) => (i.checks.length ? 'automated' : 'manual')));
  expect(
    items
      .flatMap((i) => i.checks)
      .filter((c) => c.stages.length === 0)
      .map((c) => c.ref),
  ).toEqual([]);
  expect(report.counts.automated).toBeGreaterThan(report.counts.manual);
  return report;
}

/**
 * Labels naming something always observable from outside (issue 13): an item whose label matches
 * must be encoded by checks, never a sign-off. Word boundaries keep Redis's `maxmemory` or a
 * Docker build's layer caching out of "memory" and "cache".
 */
export const ALWAYS_AUTOMATED: readonly RegExp[] = [
  /\berror rate\b/i,
  /\blatency\b|\bresponse time\b|\bp95\b/i,
  /\bweb vitals?\b|\bfcp\b|\blcp\b|\bcls\b|\btti\b/i,
  /\bhealth\b/i,
  /\bjwks\b/i,
  /\bheaders?\b/i,
  /\brate limit/i,
  /\bcors\b/i,
  /\bpersist/i,
  /\bwal\b/i,
  /\bcredentials?\b|\bsecrets? in (the )?(config|fly\.toml)/i,
  /\baudit\b/i,
  /\baccessib|\bwcag\b/i,
  /\btls\b|\bssl\b|\bcertificates?\b/i,
  /\bbackups?\b/i,
  /\brestore|\brpo\b|\brto\b/i,
  /\bwindow\b/i,
  /\bsoak\b/i,
  /\bmaintenance\b/i,
  /\bdowntime\b|\buptime\b/i,
  /\bmemory\b/i,
  /\bcpu\b/i,
  /\bconnections?\b/i,
  /\bcache\b/i,
];

/**
 * Items recorded against a sign-off although their label names something always observable,
 * leaving out `exceptions` (labels the runbook argues for, each with its reason in the sign-off).
 */
export function signedOffButObservable(
  items: readonly SourceItem[],
  exceptions: readonly string[] = [],
): { label: string; keyword: string }[] {
  return items
    .filter((i) => i.signoff && !exceptions.includes(i.label))
    .flatMap((i) => {
      const hit = ALWAYS_AUTOMATED.find((re) => re.test(i.label));
      return hit ? [{ label: i.label, keyword: hit.source }] : [];
    });
}

export interface DemoProcess {
  url: string;
  /** Stops the demo (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts `tsx <script>` (the demo, `demo/main.ts`, or a stand-in script that runs it in the end,
 * such as `runbooks/proofile/standin.ts`) with `env` over a clean environment (no DEMO_*, ROLLGATE_*
 * or PORT of the shell), as a target's `embedded.command` starts it, and waits for the demo's ready
 * line. It writes its effective config to `DEMO_CONFIG_FILE` when that is set. A process that exits
 * first rejects, with everything it printed.
 */
export async function startDemoProcess(
  env: Record<string, string>,
  script = 'demo/main.ts',
): Promise<DemoProcess> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(DEMO_|ROLLGATE_|PORT$)/.test(k)),
  );
  const child = execa(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, script)], {
    cwd: ROOT,
    env: { ...base, PORT: '0', ...env },
    extendEnv: false,
    reject: false,
    all: true,
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    void child.then((r) =>
      reject(new Error(`${script} exited (${r.exitCode}) before it was ready: ${r.all}`)),
    );
  });
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await child;
    },
  };
}
