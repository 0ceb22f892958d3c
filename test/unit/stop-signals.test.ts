import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { ROOT } from '../e2e/helpers.ts';

const LISTENER = path.join(ROOT, 'test/unit/stop-signals-listener.ts');

/**
 * SIGINT and SIGTERM reach a gate through one handler (stopOnSignals, src/engine/stop-signals.ts):
 * each aborts the run once with "<signal> received", the reason a gate writes as its verdict's
 * `interrupted`. Proven here for both signals on a process of its own (no gate); one signal runs a
 * whole gate end to end in interrupt.test.ts (SIGTERM), and SIGINT a whole gate in
 * maintenance-gate.test.ts and test/watch/watch-e2e.test.ts.
 */
describe('stopping on a signal', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(`${signal} stops once with "${signal} received"; the process is not killed by it`, async () => {
      const child = execa(process.execPath, ['--import', 'tsx', LISTENER], { cwd: ROOT, reject: false });
      await new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout?.on('data', (b: Buffer) => {
          out += b.toString();
          if (out.includes('listening\n')) resolve();
        });
        child.once('exit', () => reject(new Error(`exited before listening:\n${out}`)));
      });
      child.kill(signal);
      const r = await child;
      // Handled: the process ended on its own once stopped, not by the signal.
      expect(r.signal, r.stderr).toBeUndefined();
      expect(r.exitCode, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout.split('\n').at(-1)!)).toEqual({
        reason: `${signal} received`,
        calls: [`${signal} received`],
        aborted: true,
      });
    });
  }
});
