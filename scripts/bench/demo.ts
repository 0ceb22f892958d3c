import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ChildSet, createChildSet } from '../../src/engine/children.ts';
import { startEmbedded } from '../../src/engine/embedded.ts';
import type { Embedded } from '../../src/model/runbook.ts';

const sets: ChildSet[] = [];

/** A child set whose processes {@link stopEverything} stops (they run in their own process groups). */
export function benchChildSet(runId: string): ChildSet {
  const set = createChildSet(runId);
  sets.push(set);
  return set;
}

/** On Ctrl-C or SIGTERM: stop every demo, runner and browser the bench started. */
export async function stopEverything(): Promise<void> {
  await Promise.all(sets.map((s) => s.stopAll(2000)));
}

export interface BenchDemo {
  baseURL: string;
  stop(): Promise<void>;
}

/**
 * Starts one `tsx demo/main.ts` on 127.0.0.1, a free port (PORT=0) and a fresh SQLite file in a
 * temporary folder, and waits for its ready line and /api/simple-health, as the engine does.
 */
export async function startBenchDemo(root: string): Promise<BenchDemo> {
  const dir = mkdtempSync(path.join(tmpdir(), 'rollgate-bench-'));
  const children = benchChildSet(`bench-${randomBytes(4).toString('hex')}`);
  const spec: Embedded = {
    command: ['tsx', 'demo/main.ts'],
    env: {},
    readyPattern: 'listening on (http://\\S+)',
    readyPath: '/api/simple-health',
    version: 'bench',
    startTimeoutMs: 30_000,
  };
  const stop = async () => {
    await children.stopAll();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const started = await startEmbedded(spec, children, {
      cwd: root,
      env: process.env,
      extraEnv: {
        PORT: '0',
        DEMO_DATABASE_URL: `sqlite:${path.join(dir, 'demo.sqlite')}`,
        SESSION_SECRET: randomBytes(24).toString('hex'),
      },
      signal: new AbortController().signal,
    });
    return { baseURL: started.baseURL, stop };
  } catch (error) {
    await stop();
    throw new Error(`the demo did not start: ${(error as Error).message}`);
  }
}
