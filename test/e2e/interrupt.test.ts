import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
    // execa follows its own SIGTERM with SIGKILL after 5 s by default: on a loaded machine that
    // killed the gate while it was still stopping its children, before it wrote its verdict.
    forceKillAfterDelay: false,
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
  // Interrupted once the runners are going: the run's Chromium is up, so tests are in flight.
  await until(() => {
    const runs = existsSync(path.join(reports, 'runs')) ? readdirSync(path.join(reports, 'runs')) : [];
    return runs.some((runId) => processesOfRun(runId).some((pid) => commandOf(pid).includes('chrom')));
  }, `the run's Chromium never started:\n${out}`);
  child.kill(signal);
  const result = await child;
  if (!existsSync(path.join(reports, 'latest', 'verdict.json')))
    throw new Error(
      `no verdict after ${signal} (exit ${result.exitCode}):\n${result.stdout}\n${result.stderr}`,
    );
  return { result, verdict: readVerdict(reports) };
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1');
  } catch {
    return '';
  }
}

/** Polls `ok` every 50 ms until it holds; past 60 s the test fails with `why`. */
async function until(ok: () => boolean, why: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(why);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const DEADLINE_RUNBOOK = 'test/fixtures/stop-signals/deadline.runbook.ts';

describe('interrupting a gate', () => {
  // SIGINT and SIGTERM go through one handler (stopOnSignals): one signal runs a whole gate here.
  // SIGINT is proven on that handler by test/unit/stop-signals.test.ts ('SIGINT stops once with
  // "SIGINT received"; the process is not killed by it') and interrupts a whole gate in
  // test/e2e/maintenance-gate.test.ts ('SIGINT while the suite runs: HOLD (interrupted), exit 1,
  // maintenance off afterwards': interrupted 'SIGINT received', exit 1, no process of the run left).
  test('SIGTERM leaves a HOLD (interrupted) verdict and no running children', async () => {
    const { result, verdict } = await interruptedGate('SIGTERM');
    expect(result.exitCode, result.stdout).toBe(1);
    expect(verdict.verdict).toBe('hold');
    expect(verdict.interrupted).toBe('SIGTERM received');
    expect(verdict.reasons[0]).toBe('interrupted: SIGTERM received');
    expect(processesOfRun(verdict.runId)).toEqual([]);
  });

  // A stage that cannot end before its deadline (a tiny app and a suite check that holds still):
  // the deadline, not the demo's start-up and the canary's listing, is what this costs.
  test('a stage past its deadline stops its children and HOLDs', async () => {
    const reports = tempReports();
    const r = await execa(
      process.execPath,
      [
        path.join(ROOT, 'bin/rollgate.mjs'),
        'gate',
        'held',
        '--runbook',
        DEADLINE_RUNBOOK,
        '--timeout',
        '3000',
      ],
      {
        cwd: ROOT,
        env: cleanEnv({ ROLLGATE_REPORTS_DIR: reports }),
        extendEnv: false,
        reject: false,
      },
    );
    expect(r.exitCode, r.stdout).toBe(1);
    const v = readVerdict(reports);
    expect(v.verdict).toBe('hold');
    expect(v.interrupted).toBe('stage deadline of 3000 ms passed');
    expect(v.reasons[0]).toBe('interrupted: stage deadline of 3000 ms passed');
    expect(v.checks.find((c) => c.id === 'deadline/holds-still')).toMatchObject({ status: 'errored' });
    expect(processesOfRun(v.runId)).toEqual([]);
  });
});
