import path from 'node:path';
import { execa } from 'execa';
import { defineLoadProfile, parseLoadProfile, runLoadProfile } from '../../src/checks/load/index.ts';
import { startBenchDemo } from './demo.ts';
import { buildMeasure, type Measure, parseAutocannonJson, side } from './results.ts';

export interface ThroughputOptions {
  root: string;
  connections: number;
  durationSec: number;
  /** Runs per tool, in ABBA order (engine, CLI, CLI, engine, …). */
  rounds: number;
  warmupSec: number;
  say: (line: string) => void;
}

const ENDPOINT = '/api/simple-health';

/** One run of rollgate's embedded engine as a stage runs it: a one-endpoint profile through runLoadProfile. */
async function engineRun(baseURL: string, o: ThroughputOptions, seconds: number) {
  const profile = parseLoadProfile(
    defineLoadProfile({
      name: 'bench',
      endpoints: [{ name: 'simple-health', path: ENDPOINT }],
      connections: o.connections,
      duration: `${seconds}s`,
      stages: ['bench'],
    }),
    'bench profile',
  );
  const r = await runLoadProfile({ profile, baseURL, stage: 'bench', budgets: [], engine: 'autocannon' });
  const obs = r.observation;
  if (obs.failed > 0) throw new Error(`engine: ${obs.failed} of ${obs.requests} requests failed`);
  if (!obs.throughput) throw new Error('engine: no requests were answered');
  return obs.throughput;
}

/** One run of autocannon's own CLI from node_modules: `autocannon -c N -d S -j URL`. */
async function cliRun(baseURL: string, o: ThroughputOptions, seconds: number) {
  const cli = path.join(o.root, 'node_modules/autocannon/autocannon.js');
  const args = [cli, '-c', String(o.connections), '-d', String(seconds), '-j', `${baseURL}${ENDPOINT}`];
  const r = await execa('node', args, { cwd: o.root, reject: false, stdin: 'ignore' });
  if (r.exitCode !== 0) {
    throw new Error(
      `autocannon CLI exited with ${r.exitCode ?? r.signal}: ${String(r.stderr).trim().slice(-300)}`,
    );
  }
  const run = parseAutocannonJson(String(r.stdout));
  const bad = run.errors + run.timeouts + run.non2xx;
  if (bad > 0) throw new Error(`autocannon CLI: ${bad} errors, timeouts or non-2xx answers`);
  return run.rps;
}

/**
 * The embedded engine's request rate against autocannon's CLI on one demo instance, the same
 * endpoint, connections and duration, after a warm-up of each, alternated ABBA so a drift of the
 * machine or the demo does not favour either. Goal: engine ÷ CLI >= 0.9.
 */
export async function engineVsCli(o: ThroughputOptions): Promise<Measure> {
  const engine: number[] = [];
  const cli: number[] = [];
  const problems: string[] = [];
  o.say(`throughput: starting one demo instance`);
  let demo: Awaited<ReturnType<typeof startBenchDemo>> | undefined;
  try {
    demo = await startBenchDemo(o.root);
    const url = demo.baseURL;
    o.say(`throughput: demo at ${url}; warm-up ${o.warmupSec} s per tool (thrown away)`);
    await engineRun(url, o, o.warmupSec);
    await cliRun(url, o, o.warmupSec);
    const order = Array.from({ length: o.rounds }, (_, i) =>
      i % 2 === 0 ? ['engine', 'cli'] : ['cli', 'engine'],
    );
    let n = 0;
    for (const tool of order.flat()) {
      n += 1;
      const rps =
        tool === 'engine' ? await engineRun(url, o, o.durationSec) : await cliRun(url, o, o.durationSec);
      (tool === 'engine' ? engine : cli).push(rps);
      o.say(
        `throughput: run ${n}/${o.rounds * 2} ${tool === 'engine' ? 'engine' : 'CLI   '} ${Math.round(rps)} req/s`,
      );
    }
  } catch (error) {
    problems.push((error as Error).message);
  } finally {
    await demo?.stop();
  }
  return buildMeasure({
    id: 'engine-vs-autocannon-cli',
    title: `embedded engine vs autocannon CLI (${o.connections} conn, ${o.durationSec} s, ${ENDPOINT})`,
    a: side('engine', 'req/s', engine),
    b: side('CLI', 'req/s', cli),
    goal: { operator: '>=', value: 0.9 },
    problems,
  });
}
