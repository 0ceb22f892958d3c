import type { ResolvedGate } from '../../config/options.ts';
import { type ChildSet, withoutColour } from '../children.ts';
import { startStageTargets } from '../targets.ts';

export interface SeriesTarget {
  /** The gate every run of the series uses: pointed at the deployments already running. */
  gate: ResolvedGate;
  /** Environment for every run: the caller's plus what the embedded app was started with. */
  env: NodeJS.ProcessEnv;
  baseURL: string;
  /** Declared and generated secret values, masked in every output. */
  secretValues: string[];
}

/**
 * Starts what the stage needs on this machine (the embedded app, a baseline) once for a whole
 * watch series, as runGate does for one run, so every run watches the same deployment. Targets
 * with a URL are used as they are. `{scratchDir}` in the target's configFiles becomes the
 * series' folder, where the running app writes. Throws when something does not start.
 */
export async function startSeriesTarget(
  gate: ResolvedGate,
  children: ChildSet,
  o: { root: string; env: NodeJS.ProcessEnv; runDir: string; scratchDir: string; signal: AbortSignal },
): Promise<SeriesTarget> {
  const started = await startStageTargets(gate, {
    root: o.root,
    env: withoutColour(o.env),
    vars: { runDir: o.runDir, scratchDir: o.scratchDir, restoredDatabaseUrl: '' },
    children,
    signal: o.signal,
  });
  if (started.startError) throw new Error(started.startError);
  const b = gate.baseline;
  return {
    baseURL: started.baseURL,
    env: { ...o.env, ...started.targetEnv },
    secretValues: started.secretValues,
    gate: {
      ...gate,
      baseURL: started.baseURL,
      baseline: b ? { ...b, baseURL: started.baselineURL ?? b.baseURL } : undefined,
      target: {
        ...gate.target,
        configFiles: gate.target.configFiles.map((f) => f.replace(/\{scratchDir\}/g, o.scratchDir)),
      },
    },
  };
}
