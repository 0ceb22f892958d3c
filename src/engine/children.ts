import { readdirSync, readFileSync } from 'node:fs';
import { execa, type Options, type ResultPromise } from 'execa';

const CHILD_OPTIONS = {
  extendEnv: false,
  reject: false,
  all: true,
  detached: true,
  preferLocal: true,
  stdin: 'ignore',
  cleanup: true,
} as const satisfies Options;

export type Child = ResultPromise<typeof CHILD_OPTIONS>;

/** Marker every child of a run carries, so nothing it spawned can outlive it unnoticed. */
export const RUN_MARKER = 'ROLLGATE_RUN_ID';

export interface ChildSet {
  spawn(file: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd: string }): Child;
  /** SIGTERM every process group, then SIGKILL what remains after `graceMs`, then sweep by marker. */
  stopAll(graceMs?: number): Promise<void>;
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals) {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Processes whose environment carries this run's marker (Linux /proc); elsewhere none are found. */
export function processesOfRun(runId: string): number[] {
  const needle = `${RUN_MARKER}=${runId}\0`;
  const pids: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return pids;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      if (`${readFileSync(`/proc/${e}/environ`, 'latin1')}\0`.includes(needle)) pids.push(Number(e));
    } catch {
      // Exited meanwhile, or not ours to read.
    }
  }
  return pids;
}

export function createChildSet(runId: string): ChildSet {
  const children: Child[] = [];
  return {
    spawn(file, args, { env, cwd }) {
      // Own process group (detached) so a stop reaches grandchildren: vitest workers, browsers.
      const child: Child = execa(file, args, { ...CHILD_OPTIONS, env: { ...env, [RUN_MARKER]: runId }, cwd });
      children.push(child);
      return child;
    },
    async stopAll(graceMs = 4000) {
      const live = children.filter((c) => c.exitCode === null && c.signalCode === null);
      for (const c of live) killGroup(c.pid, 'SIGTERM');
      const deadline = Date.now() + graceMs;
      while (
        Date.now() < deadline &&
        (live.some((c) => c.exitCode === null && c.signalCode === null) || processesOfRun(runId).length)
      ) {
        await new Promise((r) => setTimeout(r, 100));
      }
      for (const c of live) killGroup(c.pid, 'SIGKILL');
      for (const pid of processesOfRun(runId)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Gone.
        }
      }
    },
  };
}

/**
 * The environment children run with: NO_COLOR=1 and no FORCE_COLOR. Many colour libraries treat
 * FORCE_COLOR as "on" whatever its value (FORCE_COLOR=0 turned vitest's colours on), and escape
 * codes in what a runner or an app prints end up in reasons, verdict.json and JUnit.
 */
export function withoutColour(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { FORCE_COLOR: _force, ...rest } = env;
  return { ...rest, NO_COLOR: '1' };
}
