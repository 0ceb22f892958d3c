import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { resolveGate } from '../../src/config/options.ts';
import { createChildSet } from '../../src/engine/children.ts';
import { startStageTargets } from '../../src/engine/targets.ts';
import { Runbook } from '../../src/model/runbook.ts';
import { tempDirs } from './helpers.ts';

const dirs = tempDirs('rollgate-drill-vars-');
const children = createChildSet(`drill-vars-${process.pid}`);
afterAll(async () => {
  await children.stopAll();
  dirs.cleanup();
});

/** The folder app of the files drill, its data folder given by `env`. */
function gateWith(env: Record<string, string>, command: string[] = []) {
  const runbook = Runbook.parse({
    name: 'drill-vars',
    targets: {
      restored: {
        embedded: {
          command: ['node', 'test/fixtures/backup-files/app.mjs', ...command],
          env: { PORT: '{port}', ...env },
          readyPath: '/health',
          version: '1.0.0',
        },
      },
    },
    stages: { dr: { target: 'restored', suites: ['test/fixtures/backup-files/restored.suite.ts'] } },
  });
  return resolveGate(runbook, 'dr', {});
}

const start = (gate: ReturnType<typeof gateWith>, vars: Record<string, string>) =>
  startStageTargets(gate, {
    root: process.cwd(),
    env: {},
    vars: { runDir: '', scratchDir: '', restoredDatabaseUrl: '', restoredDataDir: '', ...vars },
    children,
    signal: new AbortController().signal,
    drill: true,
  });

describe("a drill's app boots only on what the drill restored", () => {
  test('a restored placeholder the app uses that is empty blocks the start, naming the field', async () => {
    // A database restored, but the app reads its data from {restoredDataDir}: it would get DATA_DIR=''.
    const folderApp = await start(gateWith({ DATA_DIR: '{restoredDataDir}' }), {
      restoredDatabaseUrl: 'sqlite:/tmp/restored.sqlite',
    });
    expect(folderApp.baseURL).toBe('');
    expect(folderApp.startError).toBe(
      'drill: targets.restored.embedded.env.DATA_DIR uses {restoredDataDir}, but the drill restored a database ({restoredDatabaseUrl}), which is all the app can boot on: use {restoredDatabaseUrl} there, or point the drill at a backup of a folder',
    );
    // A folder restored, but the command passes {restoredDatabaseUrl}.
    const dbApp = await start(gateWith({ DATA_DIR: '{restoredDataDir}' }, ['--db={restoredDatabaseUrl}']), {
      restoredDataDir: dirs.make(),
    });
    expect(dbApp.baseURL).toBe('');
    expect(dbApp.startError).toContain(
      'targets.restored.embedded.command[2] uses {restoredDatabaseUrl}, but the drill restored a folder ({restoredDataDir})',
    );
    const nothing = await start(gateWith({ DATA_DIR: '{restoredDataDir}' }), {});
    expect(nothing.startError).toBe('drill: no restored database or folder to boot the app on');
  });

  test('the placeholder of what was restored starts the app on it', async () => {
    const restored = dirs.make();
    mkdirSync(join(restored, 'flows'));
    const r = await start(gateWith({ DATA_DIR: '{restoredDataDir}' }), { restoredDataDir: restored });
    expect(r.startError).toBeUndefined();
    expect(r.targetEnv.DATA_DIR).toBe(restored);
    const health = await fetch(`${r.baseURL}/health`);
    expect(health.status).toBe(200);
  });
});
