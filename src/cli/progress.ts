import { clearLine, cursorTo } from 'node:readline';
import type { GateEvent } from '../engine/run-gate.ts';

/** Where progress goes: stdout, or stderr under `--json`. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressOptions {
  stream: ProgressStream;
  /** Not a terminal: a `still running` line after this long without output. Default 15 s. */
  quietMs?: number;
  /** A terminal: one status line redrawn in place. Off with --verbose (runner output would tear it). */
  live?: boolean;
  now?: () => number;
  env?: NodeJS.ProcessEnv;
  /** How often the timer ticks; 0: no timer (tests call tick()). Default 1000. */
  tickMs?: number;
}

export interface Progress {
  /** An engine event: the steps that start and end (`step`) drive what is said to be running. */
  event(e: GateEvent): void;
  /** A line of the run's output (masked by the caller); the status line is cleared around it. */
  line(text: string): void;
  /** What a timer does every second: a `still running` line, or the status line redrawn. */
  tick(): void;
  /** Clears the status line and stops the timer. */
  stop(): void;
}

/** A step lasting at least this long gets a line saying how long it took. */
const NOTABLE_MS = 2000;
const SPINNER = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';

/** `45 s`, `2 min 5 s`, `1 h 3 min`: how long something has run, in whole seconds. */
export function elapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  return m % 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${Math.floor(m / 60)} h`;
}

/**
 * Live progress of a gate, from the engine's step events: what runs and for how long. Not on a
 * terminal (CI logs), a line `  still running vitest + playwright (45 s)` whenever nothing was
 * printed for `quietMs`; on a terminal, one status line redrawn every second. A step that took a
 * while ends with `  vitest: done in 38 s`.
 */
export function createProgress(o: ProgressOptions): Progress {
  const now = o.now ?? (() => performance.now());
  const env = o.env ?? process.env;
  const quietMs = o.quietMs ?? 15_000;
  const live = Boolean(o.live && o.stream.isTTY && env.TERM !== 'dumb');
  const started = now();
  /** Steps running now, by name, with when each started (insertion order: the order they started). */
  const active = new Map<string, number>();
  let lastOutput = started;
  let drawn = false;
  let frame = 0;

  const status = (): string => {
    const t = now();
    if (!active.size) return `still running the gate (${elapsed(t - started)})`;
    const since = Math.min(...active.values());
    return `still running ${[...active.keys()].join(' + ')} (${elapsed(t - since)})`;
  };
  const clear = () => {
    if (!drawn) return;
    clearLine(o.stream as NodeJS.WritableStream, 0);
    cursorTo(o.stream as NodeJS.WritableStream, 0);
    drawn = false;
  };
  const draw = () => {
    clear();
    o.stream.write(`  ${SPINNER[frame++ % SPINNER.length]} ${status().replace(/^still /, '')}`);
    drawn = true;
  };
  const line = (text: string) => {
    clear();
    o.stream.write(`${text}\n`);
    lastOutput = now();
    if (live) draw();
  };

  const tickMs = o.tickMs ?? 1000;
  const timer = tickMs > 0 ? setInterval(() => progress.tick(), tickMs) : undefined;
  timer?.unref();

  const progress: Progress = {
    event(e) {
      if (e.type !== 'step') return;
      if (e.state === 'started') {
        if (!active.has(e.what)) active.set(e.what, now());
      } else {
        const since = active.get(e.what);
        active.delete(e.what);
        if (since !== undefined && now() - since >= NOTABLE_MS)
          line(`  ${e.what}: done in ${elapsed(now() - since)}`);
      }
      if (live) draw();
    },
    line,
    tick() {
      if (live) draw();
      else if (now() - lastOutput >= quietMs) line(`  ${status()}`);
    },
    stop() {
      clearInterval(timer);
      clear();
    },
  };
  return progress;
}
