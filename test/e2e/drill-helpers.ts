import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { cleanEnv, ROOT } from './helpers.ts';

/**
 * `npm run demo:seed && npm run demo:backup` as a user runs them: the demo database at
 * `databaseUrl` prepared, then backed up into `dir` and recorded in the store under `reports`
 * (the drill reads the record from the same reports directory).
 */
export async function demoBackup(databaseUrl: string, dir: string, reports: string): Promise<string> {
  let all = '';
  for (const script of ['demo:seed', 'demo:backup']) {
    const r = await execa('npm', ['run', '-s', script], {
      cwd: ROOT,
      env: cleanEnv({ DEMO_DATABASE_URL: databaseUrl, BACKUP_DIR: dir, ROLLGATE_REPORTS_DIR: reports }),
      extendEnv: false,
      reject: false,
      all: true,
    });
    if (r.exitCode !== 0) throw new Error(`${script} failed: ${r.all}`);
    all += r.all ?? '';
  }
  return all;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}
