import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ObservationError } from '../authoring/errors.ts';
import { type BackupManifest, readManifest } from './manifest.ts';

export interface BackupEntry {
  name: string;
  path: string;
  sizeBytes: number;
  isDirectory: boolean;
  mtime: Date;
  /** The manifest's consistent point, else the file's modification time. */
  at: Date;
  manifest?: BackupManifest;
  /** Why the manifest could not be used (missing, invalid, unreadable). */
  manifestProblem?: string;
}

export interface BackupListing {
  /** Newest first. */
  backups: BackupEntry[];
  /** Files that matched but are never "a backup": partial `*.tmp`, zero bytes. */
  ignored: { name: string; why: string }[];
}

/** `demo-*.sqlite` → a RegExp over whole file names (`*` any run of characters, `?` one). */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

async function treeSize(path: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(path, { withFileTypes: true })) {
    const full = join(path, e.name);
    total += e.isDirectory() ? await treeSize(full) : (await stat(full)).size;
  }
  return total;
}

/**
 * The backups in `dir` whose names match `pattern`, newest first. Manifests and `*.tmp` partial
 * files are never backups, nor are empty files (or empty pg-directory folders). A folder that
 * cannot be listed is an ObservationError: nothing can be said about its backups.
 */
export async function listBackups(dir: string, pattern: string | RegExp): Promise<BackupListing> {
  const match = typeof pattern === 'string' ? globToRegExp(pattern) : pattern;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'ENOTDIR' ? 'is not a directory' : code;
    throw new ObservationError(
      `backup directory unreadable: ${dir} ${why}`,
      'ROLLGATE_BACKUP_DIR_UNREADABLE',
    );
  }
  const backups: BackupEntry[] = [];
  const ignored: BackupListing['ignored'] = [];
  for (const name of names.sort()) {
    if (/\.manifest\.json(\.tmp)?$/.test(name)) continue;
    if (!match.test(name.replace(/\.tmp$/, ''))) continue;
    if (name.endsWith('.tmp')) {
      ignored.push({ name, why: 'partial (.tmp)' });
      continue;
    }
    const path = join(dir, name);
    let s: Awaited<ReturnType<typeof stat>>;
    try {
      s = await stat(path);
    } catch {
      ignored.push({ name, why: 'vanished or unreadable' });
      continue;
    }
    const sizeBytes = s.isDirectory() ? await treeSize(path) : s.size;
    if (sizeBytes === 0) {
      ignored.push({ name, why: 'empty (0 bytes)' });
      continue;
    }
    const entry: BackupEntry = {
      name,
      path,
      sizeBytes,
      isDirectory: s.isDirectory(),
      mtime: s.mtime,
      at: s.mtime,
    };
    try {
      entry.manifest = await readManifest(path);
      entry.at = new Date(entry.manifest.consistentAt);
    } catch (error) {
      entry.manifestProblem = (error as Error).message;
    }
    backups.push(entry);
  }
  backups.sort((a, b) => b.at.getTime() - a.at.getTime());
  return { backups, ignored };
}
