import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { processesOfRun } from '../../src/engine/children.ts';
import { cleanEnv, ROOT, readVerdict, tempReports } from './helpers.ts';

/** Starts a gate, waits until its suites run, then interrupts it the way a person or a CI would. */
async function interruptedGate(signal: NodeJS.Signals) {
  const reports = tempReports();
  const child = execa(process.execPath, [path.join(ROOT, 'bin/rollgate.mjs'), 'gate', 'canary'], {
    cwd: ROOT,
    env: cleanEnv({ ROLLGATE_REPORTS_DIR: reports }),
    extendEnv: false,
    reject: false,
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gate never started its suites:\n${out}`)), 60_000);
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      if (/running vitest( \+ |, then )playwright/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  // Let the runners get going (browser launched, tests in flight) before the interruption.
  await new Promise((r) => setTimeout(r, 1500));
  child.kill(signal);
  const result = await child;
  return { result, verdict: readVerdict(reports) };
}

describe('interrupting a gate', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(`${signal} leaves a HOLD (interrupted) verdict and no running children`, async () => {
      const { result, verdict } = await interruptedGate(signal);
      expect(result.exitCode, result.stdout).toBe(1);
      expect(verdict.verdict).toBe('hold');
      expect(verdict.interrupted).toBe(`${signal} received`);
      expect(verdict.reasons[0]).toBe(`interrupted: ${signal} received`);
      expect(processesOfRun(verdict.runId)).toEqual([]);
    });
  }

  test('a stage past its deadline stops its children and HOLDs', async () => {
    const reports = tempReports();
    const r = await execa(
      process.execPath,
      [path.join(ROOT, 'bin/rollgate.mjs'), 'gate', 'canary', '--timeout', '2500'],
      {
        cwd: ROOT,
        env: cleanEnv({ ROLLGATE_REPORTS_DIR: reports }),
        extendEnv: false,
        reject: false,
      },
    );
    expect(r.exitCode, r.stdout).toBe(1);
    const v = readVerdict(reports);
    expect(v.interrupted).toBe('stage deadline of 2500 ms passed');
    expect(v.checks.some((c) => c.status === 'errored')).toBe(true);
    expect(processesOfRun(v.runId)).toEqual([]);
  });
});
