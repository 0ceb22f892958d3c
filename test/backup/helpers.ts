import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { openStore } from '../../demo/db/open-store.ts';
import type { Store } from '../../demo/db/store.ts';
import { digestPath } from '../../src/checks/backup/digest.ts';
import { type BackupManifest, manifestPathFor, writeManifest } from '../../src/checks/backup/manifest.ts';

/** A fresh directory per call; `cleanup` removes them all. */
export function tempDirs(prefix = 'rollgate-backup-'): { make(): string; cleanup(): void } {
  const dirs: string[] = [];
  return {
    make() {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    cleanup() {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Opens the demo's store on `url` (creating the schema) and adds `count` estimates of 5 items. */
export async function seedDemo(url: string, count: number, store?: Store): Promise<Store> {
  const s = store ?? (await openStore(url));
  const user = await s.findUserByName('demo');
  for (let i = 0; i < count; i++) {
    const items = Array.from({ length: 5 }, (_, k) => ({
      description: `Item ${i}-${k} with some text to fill the page`,
      quantity: k + 1,
      unitPriceCents: 100 * (k + 1),
    }));
    await s.createEstimate(user!.id, `Estimate ${i}`, items);
  }
  return s;
}

export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** sha256 of each file that exists among `paths` (missing ones as `absent`). */
export function fingerprint(paths: string[]): Record<string, string> {
  return Object.fromEntries(paths.map((p) => [basename(p), existsSync(p) ? sha256(p) : 'absent']));
}

export function cutInMiddle(path: string): void {
  const size = readFileSync(path).length;
  truncateSync(path, Math.floor(size / 2));
}

export function xorByte(path: string, offset: number, mask = 0xff): void {
  const buf = readFileSync(path);
  buf[offset] = buf[offset]! ^ mask;
  writeFileSync(path, buf);
}

export function zeroRange(path: string, offset: number, length: number): void {
  const buf = readFileSync(path);
  buf.fill(0, offset, offset + length);
  writeFileSync(path, buf);
}

export type ManifestVariant = 'manifest from the good backup' | 'manifest recomputed over the bad file';
export const VARIANTS: ManifestVariant[] = [
  'manifest from the good backup',
  'manifest recomputed over the bad file',
];

/**
 * Writes the manifest beside a faulty backup: either the good backup's (so the checksum catches
 * it), or one recomputed over the faulty bytes with the true row counts (as if the backup was bad
 * when taken), so the verifier itself must find what is wrong.
 */
export async function manifestFor(
  faulty: string,
  good: BackupManifest,
  variant: ManifestVariant,
): Promise<void> {
  const base = { ...good, file: basename(faulty) };
  if (variant === 'manifest from the good backup') {
    await writeManifest(faulty, base);
    return;
  }
  const d = await digestPath(faulty);
  await writeManifest(faulty, { ...base, sha256: d.sha256, sizeBytes: d.sizeBytes });
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export { manifestPathFor };
