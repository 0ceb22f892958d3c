import type { Server } from 'node:http';

/** How long the restart fault keeps the port closed. */
export const RESTART_DOWN_MS = 1500;

export interface Restart {
  /** Cancels a restart not yet done (or the listen it waits for); the server is left as it is. */
  cancel(): void;
  /** Whether the server is down right now (closed, not yet listening again). */
  readonly down: boolean;
}

/**
 * The restart fault: `afterMs` after start the server stops accepting and drops every open
 * connection, then listens again on the same port `downMs` later, as a restart without a second
 * instance would (real downtime: connections are refused, requests in flight are reset). Once.
 */
export function scheduleRestart(
  server: Server,
  o: { afterMs: number; downMs?: number; port: number; host: string },
): Restart {
  const downMs = o.downMs ?? RESTART_DOWN_MS;
  let cancelled = false;
  let down = false;
  let timer: NodeJS.Timeout | undefined;
  const listen = (attempt: number) => {
    if (cancelled) return;
    const retry = (error: Error) => {
      server.off('listening', done);
      // The port may linger a moment after close; a few tries, then say so.
      if (attempt < 20) timer = setTimeout(() => listen(attempt + 1), 100);
      else process.stderr.write(`rollgate-demo: restart fault: cannot listen again: ${error.message}\n`);
    };
    const done = () => {
      server.off('error', retry);
      down = false;
      process.stderr.write('rollgate-demo: restart fault: listening again\n');
    };
    server.once('error', retry);
    server.once('listening', done);
    server.listen(o.port, o.host);
  };
  timer = setTimeout(() => {
    if (cancelled) return;
    down = true;
    process.stderr.write(`rollgate-demo: restart fault: going away for ${downMs} ms\n`);
    server.close();
    server.closeAllConnections();
    timer = setTimeout(() => listen(1), downMs);
  }, o.afterMs);
  return {
    cancel() {
      cancelled = true;
      clearTimeout(timer);
    },
    get down() {
      return down;
    },
  };
}
