import { describe, expect, it } from 'vitest';
import { createProgress, elapsed } from '../../src/cli/progress.ts';

/** A stream that records what is written, and a clock the test moves. */
function setup(isTTY: boolean) {
  const written: string[] = [];
  let t = 0;
  const progress = createProgress({
    stream: { isTTY, write: (text: string) => written.push(text) },
    live: true,
    quietMs: 15_000,
    now: () => t,
    env: {},
    tickMs: 0,
  });
  return {
    progress,
    written,
    at(ms: number) {
      t = ms;
    },
  };
}

describe('live progress, not on a terminal (CI logs)', () => {
  it('says what still runs, and for how long, after 15 s without output; a long step says when it is done', () => {
    const { progress, written, at } = setup(false);
    progress.event({ type: 'step', what: 'vitest', state: 'started' });
    progress.event({ type: 'step', what: 'playwright', state: 'started' });
    at(14_000);
    progress.tick();
    expect(written).toEqual([]);
    at(15_000);
    progress.tick();
    expect(written).toEqual(['  still running vitest + playwright (15 s)\n']);
    at(20_000);
    progress.event({ type: 'step', what: 'vitest', state: 'finished' });
    expect(written.at(-1)).toBe('  vitest: done in 20 s\n');
    at(34_000);
    progress.tick();
    expect(written).toHaveLength(2);
    at(35_000);
    progress.tick();
    expect(written.at(-1)).toBe('  still running playwright (35 s)\n');
    progress.event({ type: 'step', what: 'playwright', state: 'finished' });
    at(75_000);
    progress.tick();
    expect(written.at(-1)).toBe('  still running the gate (1 min 15 s)\n');
    // Nothing but plain lines: no escape codes in a log.
    expect(written.join('')).not.toContain('\u001b');
    progress.stop();
  });

  it('a line of output restarts the quiet period; a short step ends without a line', () => {
    const { progress, written, at } = setup(false);
    progress.event({ type: 'step', what: 'built-in checks', state: 'started' });
    at(1500);
    progress.event({ type: 'step', what: 'built-in checks', state: 'finished' });
    progress.event({ type: 'step', what: 'load', state: 'started' });
    at(10_000);
    progress.line('  target http://127.0.0.1:3000');
    at(24_000);
    progress.tick();
    expect(written).toEqual(['  target http://127.0.0.1:3000\n']);
    at(25_000);
    progress.tick();
    expect(written.at(-1)).toBe('  still running load (23 s)\n');
    progress.stop();
  });
});

describe('live progress on a terminal', () => {
  it('redraws one status line, and clears it around every other line', () => {
    const { progress, written, at } = setup(true);
    progress.event({ type: 'step', what: 'vitest', state: 'started' });
    at(3000);
    progress.tick();
    expect(written.at(-1)).toMatch(/^ {2}\S running vitest \(3 s\)$/);
    const drawn = written.length;
    progress.line('  planned 12 check(s)');
    // Cleared (erase the line, back to column 1), the line, then the status again.
    expect(written.slice(drawn, drawn + 3)).toEqual(['\u001b[2K', '\u001b[1G', '  planned 12 check(s)\n']);
    expect(written.at(-1)).toMatch(/running vitest \(3 s\)$/);
    progress.stop();
    expect(written.slice(-2)).toEqual(['\u001b[2K', '\u001b[1G']);
  });
});

describe('elapsed', () => {
  it('reads as seconds, minutes and hours', () => {
    expect([0, 999, 45_000, 60_000, 125_000, 3_600_000, 3_780_000].map(elapsed)).toEqual([
      '0 s',
      '0 s',
      '45 s',
      '1 min',
      '2 min 5 s',
      '1 h',
      '1 h 3 min',
    ]);
  });
});
