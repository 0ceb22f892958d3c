import { existsSync, realpathSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import type { BackupRecord } from '../../model/backup-record.ts';
import { ObservationError } from '../authoring/errors.ts';
import { parseDatabaseUrl } from '../probes/database.ts';
import { parseServerUrl } from './connection.ts';
import { digestPath } from './digest.ts';
import {
  type BackupEngine,
  type BackupFormat,
  type BackupManifest,
  ENGINE_OF,
  manifestPathFor,
  rollgateVersion,
  writeManifestWithDigest,
} from './manifest.ts';
import { takeFiles } from './take-files.ts';
import { takeMariadb } from './take-mariadb.ts';
import { takePostgres } from './take-postgres.ts';
import { takeSqlite } from './take-sqlite.ts';
import type { TakeResult } from './take-types.ts';

export interface TakeBackupOptions {
  /** `sqlite:<path>`, `postgres://…`, `mysql://…` / `mariadb://…` (credentials go to tools by environment). */
  databaseUrl?: string;
  /** Instead of a database: a directory (or one file) archived as a gzip'd tar, `exclude` globs left out. */
  files?: { path: string; exclude?: readonly string[] };
  /** Folder the backup and its manifest are written to (created when missing). */
  dir: string;
  /** Default: `sqlite`, `pg-custom` or `mariadb-sql` by engine. */
  format?: BackupFormat;
  /** File name stem; default the database's name. The file is `<name>-<UTC stamp><extension>`. */
  name?: string;
  /** Stops the dump tool (it is killed) and removes the partial file. */
  signal?: AbortSignal;
  /**
   * Records the backup (its manifest's digest) where the drill will look it up. Called once the
   * manifest is written and before the backup gets its final name: a backup that could not be
   * recorded is never published, and the error is the take's.
   */
  record?: (record: BackupRecord) => Promise<void>;
}

export interface TakenBackup {
  /** The backup file, or folder for `pg-directory`. */
  path: string;
  manifestPath: string;
  manifest: BackupManifest;
  /** sha256 of the manifest file's bytes. */
  manifestSha256: string;
  /** What was recorded, when `record` was given. */
  record?: BackupRecord;
  durationMs: number;
}

export const EXTENSION: Record<BackupFormat, string> = {
  sqlite: '.sqlite',
  'pg-custom': '.pgdump',
  'pg-directory': '.pgdir',
  'pg-plain': '.pg.sql',
  'mariadb-sql': '.mariadb.sql',
  'files-tar-gz': '.tar.gz',
};

const DEFAULT_FORMAT = { sqlite: 'sqlite', postgres: 'pg-custom', mysql: 'mariadb-sql' } as const;

/** `20260122T101500123Z`: sorts by time, no characters that need quoting in a shell. */
export function backupStamp(at: Date): string {
  return at.toISOString().replace(/[-:.]/g, '');
}

/** `p` with its existing part's links resolved (the rest, not yet created, as written). */
function realish(p: string): string {
  const abs = resolve(p);
  try {
    return realpathSync(abs);
  } catch {
    const parent = dirname(abs);
    return parent === abs ? abs : join(realish(parent), basename(abs));
  }
}

/**
 * Whether the backup folder `dir` is `source` or lies inside it (links resolved): each backup's
 * partial archive would be written into the folder being read, and every later backup would hold
 * the earlier ones.
 */
export function backupDirInside(dir: string, source: string): boolean {
  const rel = relative(realish(source), realish(dir));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Takes a consistent backup and writes its manifest beside it. The backup is written as
 * `<file>.tmp` and renamed only when complete, described and recorded (manifest, record, then the
 * backup), so a reader never mistakes a partial file for a backup. Errors are ObservationErrors
 * (the backup could not be taken); the partial file is removed. Read-only on the source.
 * @example await takeBackup({ databaseUrl: 'sqlite:.demo-data/demo.sqlite', dir: '.demo-data/backups' })
 */
export async function takeBackup(opts: TakeBackupOptions): Promise<TakenBackup> {
  const started = new Date();
  const t0 = performance.now();
  const what = describeSource(opts);
  const { engine, format } = what;
  const stem = (opts.name ?? what.name).replace(/[^A-Za-z0-9._-]+/g, '-');
  const dir = resolve(opts.dir);
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${stem}-${backupStamp(started)}${EXTENSION[format]}`);
  const tmp = `${path}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  try {
    const taken = await what.take(tmp);
    const digest = await digestPath(tmp);
    const manifest: BackupManifest = {
      manifestVersion: 2,
      engine,
      format,
      file: basename(path),
      sizeBytes: digest.sizeBytes,
      sha256: digest.sha256,
      consistentAt: taken.consistentAt.toISOString(),
      consistency: taken.consistency,
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
      tables: taken.tables,
      source: taken.source,
      tool: taken.tool,
      rollgateVersion: rollgateVersion(),
      ...(taken.inventory ? { inventory: taken.inventory } : {}),
      ...(taken.contentDigests ? { contentDigests: taken.contentDigests } : {}),
      ...(taken.files ? { files: taken.files } : {}),
    };
    const written = await writeManifestWithDigest(path, manifest);
    let record: BackupRecord | undefined;
    if (opts.record) {
      record = {
        file: manifest.file,
        manifestSha256: written.sha256,
        sha256: manifest.sha256,
        engine,
        format,
        consistentAt: manifest.consistentAt,
        source: manifest.source,
        dir,
        recordedAt: new Date().toISOString(),
        rollgateVersion: manifest.rollgateVersion,
      };
      try {
        await opts.record(record);
      } catch (error) {
        throw new ObservationError(`backup taken but not recorded, so not kept: ${(error as Error).message}`);
      }
    }
    await rename(tmp, path);
    return {
      path,
      manifestPath: written.path,
      manifest,
      manifestSha256: written.sha256,
      ...(record ? { record } : {}),
      durationMs: Math.round(performance.now() - t0),
    };
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    if (!existsSync(path)) await rm(manifestPathFor(path), { force: true });
    if (error instanceof ObservationError) throw error;
    throw new ObservationError(
      `backup of ${engine === 'files' ? 'files' : `${engine} database`} failed: ${(error as Error).message}`,
    );
  }
}

interface SourcePlan {
  engine: BackupEngine;
  format: BackupFormat;
  /** Default file name stem. */
  name: string;
  take(tmp: string): Promise<TakeResult>;
}

/** What is backed up, how, and under which default name; bad combinations are refused here. */
function describeSource(opts: TakeBackupOptions): SourcePlan {
  if (opts.files) {
    if (opts.databaseUrl) throw new ObservationError('give databaseUrl or files, not both');
    const format = opts.format ?? 'files-tar-gz';
    if (format !== 'files-tar-gz') throw new ObservationError(`format ${format} cannot hold files`);
    const source = resolve(opts.files.path);
    if (backupDirInside(opts.dir, source))
      throw new ObservationError(
        `the backup folder ${resolve(opts.dir)} is inside ${source}, the folder backed up: put backups elsewhere`,
      );
    const exclude = opts.files.exclude ?? [];
    return {
      engine: 'files',
      format,
      name: basename(source).replace(/\.[^.]*$/, '') || 'files',
      take: (tmp) => takeFiles(source, tmp, exclude),
    };
  }
  if (!opts.databaseUrl) throw new ObservationError('nothing to back up: give databaseUrl or files');
  const location = parseDatabaseUrl(opts.databaseUrl);
  const engine = location.engine;
  const format = opts.format ?? DEFAULT_FORMAT[engine];
  if (ENGINE_OF[format] !== engine)
    throw new ObservationError(`format ${format} cannot hold a ${engine} database`);
  if (location.engine === 'sqlite') {
    if (location.memory)
      throw new ObservationError('an in-memory SQLite database has nothing on disk to back up');
    const file = location.file;
    return { engine, format, name: basename(file, extname(file)), take: (tmp) => takeSqlite(file, tmp) };
  }
  const server = parseServerUrl(opts.databaseUrl);
  return {
    engine,
    format,
    name: server.database || 'database',
    take: (tmp) =>
      engine === 'postgres'
        ? takePostgres(server, tmp, format, opts.signal)
        : takeMariadb(server, tmp, opts.signal),
  };
}
