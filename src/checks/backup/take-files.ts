import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { relative } from 'node:path';
import { ObservationError } from '../authoring/errors.ts';
import { archiveEntries, changedSince, packTree } from './files-archive.ts';
import type { TakeResult } from './take-types.ts';

function tool(): string {
  const { version } = createRequire(import.meta.url)('tar/package.json') as { version: string };
  return `tar ${version} (npm), gzip`;
}

/**
 * A directory (or one file) into a gzip'd tar, read-only on the source: files are only read,
 * symbolic links archived as links. A file whose size or modification time changed while the
 * archive was written is refused (a writer was busy: the archive would mix two moments); take the
 * backup again when it is quiet. A source with no file to archive (empty, or all excluded) is
 * refused too. The file list and digests are read back from the archive as
 * written, so the manifest describes exactly what it holds.
 */
export async function takeFiles(
  source: string,
  tmpPath: string,
  exclude: readonly string[],
  root = process.cwd(),
): Promise<TakeResult> {
  if (!existsSync(source)) throw new ObservationError(`source ${source} does not exist`);
  const consistentAt = new Date();
  let packed: Awaited<ReturnType<typeof packTree>>;
  try {
    packed = await packTree(source, tmpPath, exclude);
  } catch (error) {
    throw new ObservationError(`cannot archive ${source}: ${(error as Error).message}`);
  }
  const changed = await changedSince(source, packed);
  if (changed.length > 0) {
    throw new ObservationError(
      `${changed.length} file(s) changed while the backup read them (${changed.slice(0, 3).join(', ')}): take the backup again when nothing writes there`,
    );
  }
  const files = await archiveEntries(tmpPath);
  // An archive of folders alone would verify and restore as an empty folder: nothing was backed up.
  if (!files.some((f) => f.type === 'file'))
    throw new ObservationError(
      `nothing to back up in ${source}: no file in it${packed.excluded ? ` (${packed.excluded} path(s) excluded by exclude)` : ''}`,
    );
  const shown = relative(root, source) || '.';
  return {
    consistentAt,
    consistency: `files read one by one after this time; none changed size or modification time while read${packed.excluded ? `; ${packed.excluded} path(s) left out by exclude` : ''}`,
    tables: {},
    files,
    tool: tool(),
    source: { database: shown.startsWith('..') ? source : shown },
  };
}
