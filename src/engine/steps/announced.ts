/**
 * A step of the run for live progress: `started` when it begins, `finished` when it ends (thrown
 * or not). Several can run at once (vitest and Playwright side by side).
 */
export type StepEvent = { type: 'step'; what: string; state: 'started' | 'finished' };

/** Runs `run`, telling `emit` when the step `what` starts and ends. */
export async function announced<T>(
  emit: ((e: StepEvent) => void) | undefined,
  what: string,
  run: () => Promise<T>,
): Promise<T> {
  emit?.({ type: 'step', what, state: 'started' });
  try {
    return await run();
  } finally {
    emit?.({ type: 'step', what, state: 'finished' });
  }
}
