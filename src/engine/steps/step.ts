import type { ResolvedGate } from '../../config/options.ts';
import type { ChildSet } from '../children.ts';
import type { Stopping } from '../stop-signals.ts';
import type { Store } from '../store/store.ts';
import type { Teardown } from '../teardown.ts';

/** What every step of a gate may use: the run, its resources, and where to register what it creates. */
export interface StepContext {
  root: string;
  gate: ResolvedGate;
  runId: string;
  runDir: string;
  /** Per-run folder outside reports/ for files that may hold secrets. */
  scratchDir: string;
  /** The run's environment; for the runners and load, with the targets' env and ROLLGATE_CONTEXT added. */
  env: NodeJS.ProcessEnv;
  /** The run's start on the gate's clock (fixed with --now). */
  now: Date;
  store: Store;
  /** Every process a step spawns goes here: stopped on deadline, signal and teardown. */
  children: ChildSet;
  stopping: Stopping;
  /** Registers a release the moment a step creates something (a scratch database). */
  defer: Teardown['defer'];
  /** Streams runner output (--verbose). */
  onOutput?: (text: string) => void;
}

/**
 * One step of the gate (governance, drill, vitest, Playwright, load). Steps only produce results:
 * deciding is the gate's, releasing is the teardown's.
 */
export interface Step<Out> {
  readonly name: string;
  run(ctx: StepContext): Promise<Out>;
}
