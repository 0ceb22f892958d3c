import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { RawResults } from '../model/raw-result.ts';

/** The temporary name a raw file is written under: same folder, so the rename cannot cross devices. */
export function rawTempName(file: string): string {
  return path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
}

/**
 * Writes `text` to `file` atomically: to a temporary name in the same folder, flushed, then
 * renamed. A runner killed mid-write leaves a stray `.tmp` file, never a half-written file under
 * the name the engine reads, so the engine sees whole results or none.
 */
export function writeFileAtomic(file: string, text: string): void {
  const temp = rawTempName(file);
  try {
    const fd = openSync(temp, 'wx');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (e) {
    rmSync(temp, { force: true });
    throw new Error(`rollgate could not write raw results ${file}: ${(e as Error).message}`, { cause: e });
  }
}

/** Hands a runner's results to the engine through `ROLLGATE_RAW_FILE`; the engine reads after the child exits. */
export function writeRaw(results: RawResults, env: NodeJS.ProcessEnv = process.env): void {
  const file = env.ROLLGATE_RAW_FILE;
  if (!file) return;
  writeFileAtomic(file, JSON.stringify(results, null, 2));
}
