/**
 * `npm run bench`: rollgate's speed against the raw tools, measured in the same run (ratios, not
 * absolute times; speed goals live here, never in timed tests).
 *   1. the embedded load engine's request rate vs autocannon's own CLI, same endpoint, connections
 *      and duration on one demo instance (goal: engine ÷ CLI >= 0.9);
 *   2. `gate:canary` wall time vs the same suites, specs and load run by hand one after another
 *      (goal: gate ÷ by hand <= 1.0);
 *   3. `rollgate backup verify` vs the raw tools doing the same work on the same backup: a SQLite
 *      database of about 200 MB (sqlite3 integrity_check + row counts + sha256sum), and a pg_dump
 *      archive (createdb + pg_restore + row counts + sha256sum + dropdb) (goal: <= 1.3 each).
 * Prints a table and writes reports/bench.json. Exit 0 when everything was measured, even when a
 * goal is MISSED; exit 1 when something could not be measured; exit 2 on a bad option.
 *   --rounds N (2)  --duration S (5)  --connections N (4)  --only throughput|gate|backup
 *   --sqlite-mb N (200)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findRunbook } from '../src/config/discover-runbook.ts';
import { reportsDir } from '../src/config/paths.ts';
import { postgresVerifyVsTools, sqliteVerifyVsTools } from './bench/backup-verify.ts';
import { stopEverything } from './bench/demo.ts';
import { gateVsByHand } from './bench/gate-time.ts';
import { benchExitCode, formatTable, type Measure, noiseWarning } from './bench/results.ts';
import { engineVsCli } from './bench/throughput.ts';

const root = process.cwd();
const started = new Date();
const t0 = performance.now();
const say = (line: string) =>
  process.stderr.write(`[bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);

function positiveInt(name: string, raw: string | undefined, dflt: number): number {
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) {
    process.stderr.write(`bench: --${name} ${raw}: give a whole number above 0, e.g. --${name} ${dflt}\n`);
    process.exit(2);
  }
  return n;
}

let values: Record<string, string | undefined>;
try {
  values = parseArgs({
    options: {
      rounds: { type: 'string' },
      duration: { type: 'string' },
      connections: { type: 'string' },
      only: { type: 'string' },
      'sqlite-mb': { type: 'string' },
    },
  }).values;
} catch (error) {
  process.stderr.write(`bench: ${(error as Error).message}\n`);
  process.exit(2);
}
if (values.only && !['throughput', 'gate', 'backup'].includes(values.only)) {
  process.stderr.write(`bench: --only ${values.only}: give throughput, gate or backup\n`);
  process.exit(2);
}
const rounds = positiveInt('rounds', values.rounds, 2);
const durationSec = positiveInt('duration', values.duration, 5);
const connections = positiveInt('connections', values.connections, 4);
const sqliteMb = positiveInt('sqlite-mb', values['sqlite-mb'], 200);
const runbookFile = findRunbook({ env: process.env.ROLLGATE_RUNBOOK, root }).file;

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    say(`${signal}: stopping what the bench started; nothing was measured`);
    void stopEverything().finally(() => process.exit(130));
  });
}

const measures: Measure[] = [];
const only = (what: string) => !values.only || values.only === what;
if (only('throughput')) {
  measures.push(await engineVsCli({ root, connections, durationSec, rounds, warmupSec: 1, say }));
}
if (only('gate')) {
  measures.push(await gateVsByHand({ root, runbookFile, stageName: 'canary', rounds, say }));
}
if (only('backup')) {
  measures.push(await sqliteVerifyVsTools({ root, rounds, sqliteMb, say }));
  measures.push(await postgresVerifyVsTools({ root, rounds, sqliteMb, say }));
}

const out = path.join(reportsDir(), 'bench.json');
mkdirSync(path.dirname(out), { recursive: true });
const report = {
  schemaVersion: 1,
  startedAt: started.toISOString(),
  finishedAt: new Date().toISOString(),
  machine: { cpus: os.cpus().length, node: process.version, platform: `${os.platform()} ${os.arch()}` },
  options: { rounds, durationSec, connections, sqliteMb, order: 'ABBA' },
  measures,
};
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);

const lines = ['', formatTable(measures), ''];
for (const m of measures) {
  const runs = (s: Measure['a']) =>
    `${s.label} [${s.runs.map((r) => (s.unit === 's' ? r.toFixed(1) : Math.round(r))).join(', ')}]`;
  lines.push(`${m.id}: runs ${runs(m.a)} vs ${runs(m.b)} ${m.a.unit}`);
  for (const n of m.notes) lines.push(`  ${n}`);
  const noise = noiseWarning(m);
  if (noise) lines.push(`  ${noise}`);
  if (m.status === 'missed')
    lines.push(
      `*** MISSED *** ${m.title}: ratio ${m.ratio!.toFixed(2)}x, goal ${m.goal.operator} ${m.goal.value}x`,
    );
  for (const p of m.problems) lines.push(`NOT MEASURED: ${m.title}: ${p}`);
}
lines.push(`written: ${path.relative(root, out) || out}`);
process.stdout.write(`${lines.join('\n')}\n`);
const code = benchExitCode(measures);
if (code !== 0)
  process.stdout.write('bench: something could not be measured (exit 1); see NOT MEASURED above\n');
process.exitCode = code;
