import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { tempDir } from './drill-helpers.ts';
import { check, readVerdict, rollgate, tempReports } from './helpers.ts';

const RUNBOOK = 'test/fixtures/backup-files/files.runbook.ts';

/** `rollgate backup` of a data folder, then `rollgate gate dr`: extracted into scratch, the app boots on it. */
test('a directory backup restores into a scratch folder, the app boots on {restoredDataDir}: PROMOTE', async () => {
  const source = tempDir('rollgate-files-src-');
  mkdirSync(path.join(source, 'flows'));
  writeFileSync(path.join(source, 'flows', 'a.json'), '{"flow":"a"}\n');
  writeFileSync(path.join(source, 'scratch.tmp'), 'left out');
  const env = {
    BACKUP_SOURCE_DIR: source,
    ROLLGATE_BACKUP_DIR: tempDir('rollgate-files-backups-'),
    ROLLGATE_REPORTS_DIR: tempReports(),
  };
  const taken = await rollgate(['backup', '--runbook', RUNBOOK], env);
  expect(taken.exitCode, taken.all).toBe(0);
  const r = await rollgate(['gate', 'dr', '--runbook', RUNBOOK], env);
  expect(r.exitCode, r.all).toBe(0);
  const v = readVerdict(env.ROLLGATE_REPORTS_DIR);
  expect(v.verdict).toBe('promote');
  const restore = check(v, 'drill/verify-restore');
  expect(restore.message).toMatch(
    /\/flows-\S+\.tar\.gz: archive checksum ok; 1 file\(s\) match the manifest's digests and sizes; extracted, the extracted tree matches too; restored into (\S+) \(\{restoredDataDir\}\)$/,
  );
  expect(check(v, 'files-app/restored').status).toBe('passed');
  // The scratch folder is gone after the run.
  const dir = /restored into (\S+) /.exec(restore.message ?? '')![1]!;
  expect(existsSync(dir)).toBe(false);
});
