import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DemoServer } from '../../demo/server.ts';
import { processesOfRun } from '../../src/engine/children.ts';
import { startTestDemo, tempDirs } from '../demo/helpers.ts';
import { locateSecret } from '../hygiene/secret-search.ts';
import { check, cleanEnv, ROOT, readVerdict, rollgate, tempReports } from './helpers.ts';

/** Not a secret-looking name, and declared as a secret nowhere: only the maintenance headers make it one. */
const KEY = 'ops-maint-key-0c6f2d81a9e4b7';
const RUNBOOK = 'test/fixtures/runbooks/maintenance.runbook.ts';
const dirs = tempDirs();
let demo: DemoServer;
let scratch: string;

beforeAll(async () => {
  demo = await startTestDemo(dirs.make(), { adminToken: KEY });
  scratch = mkdtempSync(path.join(tmpdir(), 'rollgate-maintenance-'));
});
afterAll(async () => {
  await demo.close();
  dirs.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

const maintenanceOn = async () =>
  ((await (await fetch(`${demo.url}/api/health`)).json()) as { maintenance: boolean }).maintenance;

const args = (stage: string) => [
  'gate',
  stage,
  '--runbook',
  RUNBOOK,
  '--base-url',
  demo.url,
  '--release',
  '9.9.9',
];

describe('a gate with maintenance mode and zero downtime, against a long-lived demo', () => {
  test('a HOLD caused by another check leaves maintenance off; the key is in no file under reports/', async () => {
    const reports = tempReports();
    const unredacted = path.join(scratch, 'unredacted');
    const r = await rollgate(args('hold'), {
      ROLLGATE_REPORTS_DIR: reports,
      OPS_MAINT_KEY: KEY,
      // The test seam: the run folder as it was before redaction, to show the key was there to find.
      ROLLGATE_TEST_UNREDACTED_COPY: unredacted,
    });
    expect(r.exitCode, r.all).toBe(1);
    expect(r.all).toMatch(/planned 5 check\(s\)/);
    const v = readVerdict(reports);
    expect(v.verdict).toBe('hold');
    expect(check(v, 'probes/version-matches').status).toBe('failed');
    expect(check(v, 'maintenance/on').status).toBe('passed');
    expect(check(v, 'maintenance/page-shown').status).toBe('passed');
    expect(check(v, 'maintenance/off').status).toBe('passed');
    const zero = check(v, 'availability/zero-downtime');
    expect(zero.status, zero.message).toBe('passed');
    expect(zero.measurements.map((m) => m.name)).toEqual(['failed-probes', 'availability']);
    expect(v.checks.map((c) => c.id)).toEqual([
      'maintenance/on',
      'probes/version-matches',
      'maintenance/page-shown',
      'maintenance/off',
      'availability/zero-downtime',
    ]);
    expect(await maintenanceOn()).toBe(false);
    // The key reached the run (the suite attached it), and redaction took it out of everything.
    expect(locateSecret(unredacted, KEY).length).toBeGreaterThan(0);
    expect(locateSecret(reports, KEY)).toEqual([]);
    expect(r.all).not.toContain(KEY);
  });

  test('rollgate plan lists the guards with their titles, blocking', async () => {
    const r = await rollgate(['plan', 'listed', '--runbook', RUNBOOK, '--base-url', demo.url, '--json'], {});
    expect(r.exitCode, r.all).toBe(0);
    const plan = JSON.parse(r.stdout) as {
      checks: { id: string; title: string; kind: string; blocking: boolean }[];
    };
    expect(plan.checks.filter((c) => c.kind === 'harness')).toEqual([
      expect.objectContaining({
        id: 'maintenance/on',
        title: 'maintenance mode on: / answers 503',
        blocking: true,
      }),
      expect.objectContaining({ id: 'maintenance/off', blocking: true }),
      expect.objectContaining({ id: 'availability/zero-downtime', blocking: true }),
    ]);
  });

  test('SIGINT while the suite runs: HOLD (interrupted), exit 1, maintenance off afterwards', async () => {
    const reports = tempReports();
    const marker = path.join(scratch, 'suite-running');
    const child = execa(process.execPath, [path.join(ROOT, 'bin/rollgate.mjs'), ...args('interrupted')], {
      cwd: ROOT,
      env: cleanEnv({ ROLLGATE_REPORTS_DIR: reports, OPS_MAINT_KEY: KEY, MAINTENANCE_MARKER: marker }),
      extendEnv: false,
      reject: false,
      all: true,
    });
    // The suite leaves the marker once it runs, with maintenance on.
    const deadline = Date.now() + 30_000;
    while (!existsSync(marker)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error('the suite never started');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await maintenanceOn()).toBe(true);
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode, r.all).toBe(1);
    const v = readVerdict(reports);
    expect(v.verdict).toBe('hold');
    expect(v.interrupted).toBe('SIGINT received');
    expect(check(v, 'maintenance/on').status).toBe('passed');
    expect(check(v, 'maintenance/off')).toMatchObject({
      status: 'errored',
      code: 'ROLLGATE_INTERRUPTED',
      message: 'not proven off: SIGINT received; disable was sent and answered 200',
    });
    expect(check(v, 'availability/zero-downtime')).toMatchObject({
      status: 'errored',
      code: 'ROLLGATE_INTERRUPTED',
    });
    expect(await maintenanceOn()).toBe(false);
    expect(processesOfRun(v.runId)).toEqual([]);
    expect(locateSecret(reports, KEY)).toEqual([]);
  });
});
