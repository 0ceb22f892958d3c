import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { loadRunbook } from '../../src/config/load-runbook.ts';
import { resolveGate } from '../../src/config/options.ts';
import { prepareLoad } from '../../src/engine/steps/load-stage.ts';
import { stageByHand } from './by-hand.ts';
import { buildMeasure, type Measure, side, type Timed } from './results.ts';

export interface GateTimeOptions {
  root: string;
  runbookFile: string;
  stageName: string;
  /** Runs per side, in ABBA order (gate, by hand, by hand, gate, …). */
  rounds: number;
  say: (line: string) => void;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Where a gate's wall time went: the moments it printed, and the durations its verdict records. */
function gateBreakdown(marks: Record<string, number>, reports: string, ms: number): string {
  const parts = Object.entries(marks).map(([k, at]) => `${k} at ${secs(at)}`);
  const file = path.join(reports, 'latest', 'verdict.json');
  if (existsSync(file)) {
    const v = JSON.parse(readFileSync(file, 'utf8')) as {
      durationMs: number;
      checks: { kind: string; durationMs: number }[];
    };
    const load = v.checks.filter((c) => c.kind === 'load').reduce((sum, c) => sum + c.durationMs, 0);
    parts.push(
      `runGate ${secs(v.durationMs)} (load ${secs(load)})`,
      `start-up and reports ${secs(ms - v.durationMs)}`,
    );
  }
  return parts.join(', ');
}

/** `node bin/rollgate.mjs gate <stage>` end to end, its ledger and reports in a temporary folder. */
async function gateRun(o: GateTimeOptions): Promise<Timed> {
  const reports = mkdtempSync(path.join(tmpdir(), 'rollgate-bench-reports-'));
  try {
    const t0 = performance.now();
    const marks: Record<string, number> = {};
    const child = execa('node', ['bin/rollgate.mjs', 'gate', o.stageName, '--runbook', o.runbookFile], {
      cwd: o.root,
      env: { ...process.env, ROLLGATE_REPORTS_DIR: reports },
      reject: false,
      all: true,
      stdin: 'ignore',
    });
    child.all?.on('data', (b: Buffer) => {
      for (const m of b.toString().matchAll(/^ {2}(target|planned|running)\b/gm))
        marks[m[1]!] ??= performance.now() - t0;
    });
    const r = await child;
    const ms = performance.now() - t0;
    if (r.exitCode !== 0) {
      const last = String(r.all ?? '')
        .trim()
        .split('\n')
        .slice(-12)
        .join('\n');
      throw new Error(`gate ${o.stageName} exited with ${r.exitCode ?? r.signal} (not PROMOTE):\n${last}`);
    }
    return { ms, note: gateBreakdown(marks, reports, ms) };
  } finally {
    rmSync(reports, { recursive: true, force: true });
  }
}

/**
 * `gate:canary` wall time against the same work done by hand, one step after another, with the
 * stage read from the runbook at bench time (its suites, specs, load profile and baseline).
 * Alternated ABBA so a drift of the machine does not favour either. Goal: gate ÷ by hand <= 1.0.
 */
export async function gateVsByHand(o: GateTimeOptions): Promise<Measure> {
  const gate: number[] = [];
  const hand: number[] = [];
  const problems: string[] = [];
  const notes: string[] = [];
  try {
    const loaded = await loadRunbook(o.runbookFile, o.root);
    const resolved = resolveGate(loaded.runbook, o.stageName, {});
    const urls = [resolved.baseURL, resolved.baseline?.baseURL];
    const profile = await prepareLoad(resolved.stage, o.stageName, urls, o.root);
    const s = resolved.stage;
    o.say(
      `gate: stage ${o.stageName} of ${loaded.file}: suites ${s.suites.join(' ') || '(none)'}; ` +
        `specs ${s.smoke?.specs.join(' ') ?? '(none)'}; load ${s.load?.profile ?? '(none)'}${s.baseline ? ` against baseline ${s.baseline}` : ''}`,
    );
    const order = Array.from({ length: o.rounds }, (_, i) =>
      i % 2 === 0 ? ['gate', 'hand'] : ['hand', 'gate'],
    );
    let n = 0;
    for (const kind of order.flat()) {
      n += 1;
      o.say(
        `gate: run ${n}/${o.rounds * 2} ${kind === 'gate' ? `rollgate gate ${o.stageName}` : 'by hand'}…`,
      );
      const run =
        kind === 'gate'
          ? await gateRun(o)
          : await stageByHand({ root: o.root, gate: resolved, profile, say: o.say });
      (kind === 'gate' ? gate : hand).push(run.ms / 1000);
      const label = `run ${n}/${o.rounds * 2} ${kind === 'gate' ? 'gate   ' : 'by hand'} ${secs(run.ms)}`;
      notes.push(`${label}: ${run.note}`);
      o.say(`gate: ${label} (${run.note})`);
    }
  } catch (error) {
    problems.push((error as Error).message);
  }
  return buildMeasure({
    id: `gate-${o.stageName}-vs-by-hand`,
    title: `gate:${o.stageName} wall time vs the same steps by hand`,
    a: side('gate', 's', gate),
    b: side('by hand', 's', hand),
    goal: { operator: '<=', value: 1.0 },
    problems,
    notes,
  });
}
