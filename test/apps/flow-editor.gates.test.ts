import { createHash, randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { check, readVerdict, tempReports } from '../e2e/helpers.ts';
import { locateSecret } from '../hygiene/secret-search.ts';
import { describeVerdict, rollgateOn, tempDirs } from './helpers.ts';

/**
 * flow-editor gated end to end by its runbook alone: staging PROMOTEs, `rollgate backup` leaves the
 * data folder as it was, and the drill restores the folder and boots the editor on it. The fault
 * matrix (health answering 500 among it) is at check level (flow-editor.checks.test.ts).
 */
const PASSWORD = `pw-${randomBytes(9).toString('base64url')}`;
const dirs = tempDirs();
const dataDir = dirs.make('rollgate-flows-');
const env = { FLOW_DATA_DIR: dataDir, FLOW_USER: 'editor', FLOW_PASSWORD: PASSWORD };
/** The store (ledger, backup records) the backup and the drill share. */
const reports = tempReports();
const backups = dirs.make('rollgate-flow-backups-');

// A flow written before any gate, and a half-written one the backup leaves out (`*.tmp`).
mkdirSync(path.join(dataDir, 'flows'));
writeFileSync(
  path.join(dataDir, 'flows/nightly-import-a1b2c3.json'),
  `${JSON.stringify({ id: 'nightly-import-a1b2c3', name: 'Nightly import', nodes: [{ id: 'n1', fn: 'return msg;' }], updatedAt: '2026-01-05T02:00:00.000Z' }, null, 2)}\n`,
);
writeFileSync(path.join(dataDir, 'flows/draft-ffffff.json.0a1b2c3d.tmp'), '{"id": "draft-ff');

/** Every entry under a folder: path, type, mode, size, modification time and content digest. */
function tree(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      const s = lstatSync(p);
      const digest = s.isFile() ? createHash('sha256').update(readFileSync(p)).digest('hex') : '';
      out.push(
        `${path.relative(root, p)} ${s.isDirectory() ? 'd' : 'f'} ${s.mode} ${s.size} ${s.mtimeMs} ${digest}`,
      );
      if (s.isDirectory()) walk(p);
    }
  };
  out.push(`. ${lstatSync(root).mode} ${lstatSync(root).mtimeMs}`);
  walk(root);
  return out;
}

afterAll(() => dirs.cleanup());

describe('flow-editor gated by its runbook', () => {
  it('staging PROMOTEs: form sign-in, every built-in and the golden path in Chromium; the password is nowhere in the reports', async () => {
    const r = await rollgateOn('flow-editor', ['gate', 'staging'], { ...env, ROLLGATE_REPORTS_DIR: reports });
    const v = readVerdict(reports);
    expect(r.exitCode, `${r.all}\n${describeVerdict(v)}`).toBe(0);
    expect(v.verdict).toBe('promote');
    expect(v.checks.map((c) => c.id)).toEqual(
      expect.arrayContaining([
        'auth/sign-in',
        'security/csrf',
        'security/session-cookie',
        'flows/create-and-preview',
      ]),
    );
    expect(locateSecret(reports, PASSWORD)).toEqual([]);
  });

  // Health answering 500 (APP_FAULTS=health-500) is a product failure: the built-in is judged on
  // the app at check level by flow-editor.checks.test.ts ('health answering 500: probes/health-status
  // fails on its status and state'), and a failed probe holding a gate is gated end to end by
  // test/e2e/gate-canary.test.ts ('DEMO_FAULTS=server-errors HOLDs with failed (not errored) checks
  // named with their messages'). A staging HOLD of this app cost a whole gate (15.7 s here).

  it('`rollgate backup` archives the declared folder and leaves it byte-identical', async () => {
    const before = tree(dataDir);
    expect(before.some((l) => l.startsWith('flows/smoke-flow-'))).toBe(true); // the golden path's flow
    const r = await rollgateOn('flow-editor', ['backup', '--out', backups], {
      ...env,
      ROLLGATE_REPORTS_DIR: reports,
    });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toMatch(/flows-\S+\.tar\.gz/);
    expect(tree(dataDir)).toEqual(before);
  });

  it('the drill restores the newest backup into a scratch folder, boots the editor on it and PROMOTEs', async () => {
    const r = await rollgateOn('flow-editor', ['gate', 'dr'], {
      ...env,
      ROLLGATE_REPORTS_DIR: reports,
      ROLLGATE_BACKUP_DIR: backups,
    });
    const v = readVerdict(reports);
    expect(r.exitCode, `${r.all}\n${describeVerdict(v)}`).toBe(0);
    expect(v.stage).toBe('dr');
    for (const id of ['drill/verify-restore', 'auth/sign-in', 'flows/restored-flows'])
      expect(check(v, id).status, id).toBe('passed');
  });
});
