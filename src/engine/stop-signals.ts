/** How a long run is told to stop: SIGINT, SIGTERM or its own deadline, whichever comes first. */
export interface Stopping {
  /** Aborts once, on the first stop. */
  readonly signal: AbortSignal;
  /** Why it was stopped ("SIGINT received"); undefined while it runs. */
  readonly reason: string | undefined;
  stop(reason: string): void;
  /** Stops listening for signals. */
  dispose(): void;
}

/** Listens for SIGINT and SIGTERM; the first stop aborts the signal and calls `onStop` once. */
export function stopOnSignals(onStop: (reason: string) => void): Stopping {
  const controller = new AbortController();
  let reason: string | undefined;
  const stop = (why: string) => {
    if (reason) return;
    reason = why;
    controller.abort();
    onStop(why);
  };
  const onSigint = () => stop('SIGINT received');
  const onSigterm = () => stop('SIGTERM received');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  return {
    signal: controller.signal,
    get reason() {
      return reason;
    },
    stop,
    dispose() {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
    },
  };
}
