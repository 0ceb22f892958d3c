/**
 * Process-level registry of scratch databases to drop. Each verifier registers its drop before it
 * creates anything and unregisters after dropping, so SIGINT/SIGTERM in between still drops it.
 *
 * While something is registered, this module listens for SIGINT and SIGTERM. On a signal it runs
 * every pending cleanup; then, if no one else listens for that signal, it re-raises it so the
 * process dies as it would have. A host with its own handlers (the engine) should
 * `await runScratchCleanups()` in its stop path before it exits.
 */

import { createMasker } from '../../config/mask.ts';

const maskUrls = createMasker([]);

type Cleanup = { label: string; run: () => Promise<void> };

const pending = new Map<number, Cleanup>();
let nextId = 1;
let running: Promise<void> | undefined;
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
/** A hung server must not keep a signalled process alive forever. */
const SIGNAL_CLEANUP_LIMIT_MS = 15_000;

function onSignal(signal: NodeJS.Signals): void {
  const limit = new Promise<void>((resolve) => setTimeout(resolve, SIGNAL_CLEANUP_LIMIT_MS).unref());
  void Promise.race([runScratchCleanups(), limit]).finally(() => {
    uninstall();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

const handlers = new Map<NodeJS.Signals, () => void>();

function install(): void {
  if (handlers.size > 0) return;
  for (const signal of SIGNALS) {
    const handler = () => onSignal(signal);
    handlers.set(signal, handler);
    process.on(signal, handler);
  }
}

function uninstall(): void {
  for (const [signal, handler] of handlers) process.off(signal, handler);
  handlers.clear();
}

/** Registers a cleanup; returns the function that unregisters it (call it after a normal drop). */
export function registerCleanup(label: string, run: () => Promise<void>): () => void {
  const id = nextId++;
  pending.set(id, { label, run });
  install();
  return () => {
    pending.delete(id);
    if (pending.size === 0 && !running) uninstall();
  };
}

/** Labels of what is registered now (tests and diagnostics). */
export function pendingCleanups(): string[] {
  return [...pending.values()].map((c) => c.label);
}

/** Runs every pending cleanup once, concurrently; failures are reported on stderr, not thrown. */
export function runScratchCleanups(): Promise<void> {
  running ??= (async () => {
    const all = [...pending.entries()];
    pending.clear();
    await Promise.all(
      all.map(async ([, c]) => {
        try {
          await c.run();
        } catch (error) {
          // Credentials in URLs are masked: a driver's message may quote the connection string.
          process.stderr.write(
            maskUrls(`rollgate: could not drop ${c.label}: ${(error as Error).message}\n`),
          );
        }
      }),
    );
  })().finally(() => {
    running = undefined;
  });
  return running;
}
