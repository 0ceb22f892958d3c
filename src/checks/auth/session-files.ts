import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TargetSession } from './session.ts';

/** Playwright's storage state: the session's cookies (a form login), no local storage. */
export interface StorageState {
  cookies: TargetSession['cookies'];
  origins: { origin: string; localStorage: { name: string; value: string }[] }[];
}

export const storageStateOf = (session: TargetSession): StorageState => ({
  cookies: session.cookies,
  origins: [],
});

/** The storage-state file written beside a session file. */
export const storageStateFile = (sessionFile: string) =>
  path.join(path.dirname(sessionFile), 'storage-state.json');

function writeSecretFile(file: string, body: string): void {
  writeFileSync(file, body, { mode: 0o600 });
  chmodSync(file, 0o600); // an existing file keeps its mode through writeFileSync
}

/**
 * Writes the session (and Playwright's storage state made from it, once for the run) into `dir`,
 * a folder only the run's user may read: both files are mode 0600. Returns the session file.
 */
export function writeSessionFiles(dir: string, session: TargetSession): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, 'session.json');
  writeSecretFile(file, JSON.stringify(session));
  writeSecretFile(storageStateFile(file), JSON.stringify(storageStateOf(session)));
  return file;
}

/** The storage state for a run's session file, when the engine wrote one. */
export function readStorageState(sessionFile: string): StorageState | undefined {
  const file = storageStateFile(sessionFile);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as StorageState) : undefined;
}
