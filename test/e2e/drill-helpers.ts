import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { cleanEnv, ROOT } from './helpers.ts';

/** `npm run demo:backup` as a user runs it: the demo database at `databaseUrl` into `dir`. */
export async function demoBackup(databaseUrl: string, dir: string): Promise<string> {
  const r = await execa('npm', ['run', '-s', 'demo:backup'], {
    cwd: ROOT,
    env: cleanEnv({ DEMO_DATABASE_URL: databaseUrl, BACKUP_DIR: dir }),
    extendEnv: false,
    reject: false,
    all: true,
  });
  if (r.exitCode !== 0) throw new Error(`demo:backup failed: ${r.all}`);
  return r.all ?? '';
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}
