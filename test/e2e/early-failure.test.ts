import { readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, test } from 'vitest';
import { validateRunbook } from '../../src/config/load-runbook.ts';
import { resolveGate } from '../../src/config/options.ts';
import { processesOfRun } from '../../src/engine/children.ts';
import { runGate } from '../../src/engine/run-gate.ts';
import { fileStore } from '../../src/engine/store/file-store.ts';
import type { Store } from '../../src/engine/store/store.ts';
import { tempDirs } from '../hygiene/helpers.ts';
import { cleanEnv, ROOT } from './helpers.ts';

/**
 * Issue 10: whatever fails early (a store that cannot be read, a drill that cannot prepare), the
 * gate releases everything it set up: no SIGINT/SIGTERM listener, no deadline timer, no scratch
 * folder, no process outlives the run. In process for the listeners and timers, through the CLI
 * for what a person sees (a gate that ends at once, exit 2, instead of waiting for its deadline).
 */
const dirs = tempDirs('rollgate-early-failure-');
afterAll(() => dirs.cleanup());

/** A backup directory whose only "backup" is a symlink to nothing: the drill cannot stat it. */
function danglingBackups(): string {
  const dir = dirs.make();
  symlinkSync(path.join(dir, 'rotated-away.sqlite'), path.join(dir, 'demo-20260101T000000Z.sqlite'));
  return dir;
}

const runbook = (backups: string) =>
  validateRunbook('early.runbook.ts', {
    name: 'early',
    targets: { app: { baseURL: 'http://127.0.0.1:9/' } },
    stages: {
      plain: { target: 'app', suites: ['runbooks/none.suite.ts'] },
      dr: {
        target: 'app',
        suites: ['runbooks/none.suite.ts'],
        drill: { backups: { dir: backups, pattern: '*' } },
      },
    },
  });

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
const listeners = () => ({
  SIGINT: process.listenerCount('SIGINT'),
  SIGTERM: process.listenerCount('SIGTERM'),
});

/** Runs a gate in this process and returns what it left behind besides its answer. */
async function gateInProcess(stage: string, store: (reports: string) => Store, backups = dirs.make()) {
  const reports = dirs.make();
  const rb = runbook(backups);
  const resolved = resolveGate(rb, stage, { release: '1.0.0' }, {});
  // No runner at all: what is released is the gate's own set-up, not a runner's.
  const gate = {
    ...resolved,
    reportsDir: reports,
    timeoutMs: 600_000,
    stage: { ...resolved.stage, suites: [] },
  };
  const before = { listeners: listeners(), timers: timers() };
  const outcome = await runGate({
    root: process.cwd(),
    loaded: { file: 'early.runbook.ts', runbook: rb },
    gate,
    env: { PATH: process.env.PATH },
    store: store(reports),
  }).then(
    (r) => ({ result: r, error: undefined }),
    (e: Error) => ({ result: undefined, error: e }),
  );
  const [runId] = readdirSync(path.join(reports, 'runs'));
  return {
    ...outcome,
    runId: runId!,
    before,
    after: { listeners: listeners(), timers: timers() },
    scratch: readdirSync(tmpdir()).filter((n) => n.startsWith(`rollgate-${runId}-`)),
  };
}

describe('issue 10: an early failure releases everything the gate set up', () => {
  test('a drill that cannot prepare (its newest backup a dangling symlink): rejected, nothing left', async () => {
    const left = await gateInProcess('dr', fileStore, danglingBackups());
    expect(left.error?.message).toMatch(
      /^ENOENT: no such file or directory, stat '.*demo-20260101T000000Z\.sqlite'$/,
    );
    expect(left.after.listeners).toEqual(left.before.listeners);
    expect(left.after.timers).toBeLessThanOrEqual(left.before.timers);
    expect(left.scratch).toEqual([]);
    expect(processesOfRun(left.runId)).toEqual([]);
  });

  test('a store whose sign-offs cannot be read (a corrupt line): rejected as corrupt, nothing left', async () => {
    const corrupt = (reports: string) => {
      const store = fileStore(reports);
      // Corrupted after it was opened and verified: the gate's own read is the first to see it.
      writeFileSync(path.join(reports, 'signoffs.jsonl'), 'not json\n');
      return store;
    };
    const left = await gateInProcess('plain', corrupt);
    expect(left.error).toMatchObject({ code: 'ROLLGATE_STORE_CORRUPT' });
    expect(left.error?.message).toMatch(/signoffs\.jsonl:1: not JSON/);
    expect(left.after.listeners).toEqual(left.before.listeners);
    expect(left.after.timers).toBeLessThanOrEqual(left.before.timers);
    expect(left.scratch).toEqual([]);
  });

  test('a run that completes leaves no listener, timer or scratch folder either', async () => {
    const left = await gateInProcess('plain', fileStore);
    expect(left.error).toBeUndefined();
    expect(left.result?.verdict.runId).toBe(left.runId);
    expect(left.after.listeners).toEqual(left.before.listeners);
    expect(left.after.timers).toBeLessThanOrEqual(left.before.timers);
    expect(left.scratch).toEqual([]);
  });

  test('through the CLI: the drill that cannot prepare ends the gate at once with exit 2, not at its 10-minute deadline', async () => {
    const backups = danglingBackups();
    const reports = dirs.make();
    // The demo's dr stage has a 600 s deadline: a leaked timer would keep the process alive that long.
    // Killed outright past 50 s: a leaked SIGTERM handler would swallow a plain SIGTERM.
    const r = await execa(process.execPath, [path.join(ROOT, 'bin/rollgate.mjs'), 'gate', 'dr'], {
      cwd: ROOT,
      env: cleanEnv({ ROLLGATE_REPORTS_DIR: reports, ROLLGATE_BACKUP_DIR: backups }),
      extendEnv: false,
      reject: false,
      timeout: 50_000,
      killSignal: 'SIGKILL',
    });
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.isTerminated).toBe(false);
    expect(r.stderr).toContain('rollgate: unexpected error: Error: ENOENT: no such file or directory, stat');
    expect(r.stderr).toContain(path.join(backups, 'demo-20260101T000000Z.sqlite'));
    const [runId] = readdirSync(path.join(reports, 'runs'));
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith(`rollgate-${runId}-`))).toEqual([]);
    expect(processesOfRun(runId!)).toEqual([]);
  }, 60_000);
});
