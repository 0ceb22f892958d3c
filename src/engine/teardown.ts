/** A teardown that threw: what it was for and why. The caller reports it (masked). */
export interface TeardownFailure {
  name: string;
  error: Error;
}

/**
 * Everything a run must release, registered the moment it exists (in the manner of Playwright's
 * task runner teardown), so an early failure releases exactly what was set up, no more, no less.
 */
export interface Teardown {
  /** Registers a release; they run last registered first. `name` says what it does ("stop the children"). */
  defer(name: string, fn: () => unknown): void;
  /**
   * Runs every release once, in LIFO order, each even when an earlier one threw; resolves with
   * the failures and never rejects. Later calls return the same promise. A release deferred
   * while this runs still runs before it resolves; one deferred after it resolved runs at once,
   * its failure appended to the same array.
   */
  runAll(): Promise<TeardownFailure[]>;
}

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

export function createTeardown(): Teardown {
  const stack: { name: string; fn: () => unknown }[] = [];
  const failures: TeardownFailure[] = [];
  let running: Promise<TeardownFailure[]> | undefined;
  let done = false;
  const attempt = async (name: string, fn: () => unknown) => {
    try {
      await fn();
    } catch (error) {
      failures.push({ name, error: asError(error) });
    }
  };
  return {
    defer(name, fn) {
      if (done) void attempt(name, fn);
      else stack.push({ name, fn });
    },
    runAll() {
      running ??= (async () => {
        for (let t = stack.pop(); t; t = stack.pop()) await attempt(t.name, t.fn);
        done = true;
        return failures;
      })();
      return running;
    },
  };
}
