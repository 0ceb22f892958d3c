import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import { CheckFailure, ObservationError } from '../authoring/errors.ts';
import { ContentDigests, SchemaInventory } from './inventory.ts';

/** `files`: a directory (or one file) archived as it is on disk, not a database. */
export const BackupEngine = z.enum(['sqlite', 'postgres', 'mysql', 'files']);
export type BackupEngine = z.infer<typeof BackupEngine>;

/** How the backup is stored; decides which verifier reads it. */
export const BackupFormat = z.enum([
  'sqlite',
  'pg-custom',
  'pg-directory',
  'pg-plain',
  'mariadb-sql',
  'files-tar-gz',
]);
export type BackupFormat = z.infer<typeof BackupFormat>;

export const ENGINE_OF: Record<BackupFormat, BackupEngine> = {
  sqlite: 'sqlite',
  'pg-custom': 'postgres',
  'pg-directory': 'postgres',
  'pg-plain': 'postgres',
  'mariadb-sql': 'mysql',
  'files-tar-gz': 'files',
};

/**
 * One entry of a directory backup, as it is in the archive: a file with its size and sha256, a
 * directory, or a symbolic link with its target (recorded, never followed).
 */
export const FileEntry = z.strictObject({
  /** Relative to the backed-up directory, `/`-separated. @example 'flows/2026/a.json' */
  path: z
    .string()
    .min(1)
    .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'a relative path inside the tree'),
  type: z.enum(['file', 'directory', 'symlink']),
  /** Bytes of a file's content; 0 for directories and links. */
  sizeBytes: z.number().int().nonnegative(),
  /** sha256 of a file's content. */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  /** Permission bits. @example 420 */
  mode: z.number().int().nonnegative(),
  /** A link's target, as stored. @example '../elsewhere/config.json' */
  target: z.string().optional(),
});
export type FileEntry = z.infer<typeof FileEntry>;

/**
 * What was taken, written beside the backup as `<backup>.manifest.json` when it was taken. The
 * verifiers compare the backup with it: a checksum proves the file is the one taken, the row counts
 * prove the content is complete (a WAL copy without its -wal, a dump cut short).
 *
 * Version 2 (written since rollgate records backups in its store) adds the schema inventory and
 * per-table content digests of the same snapshot; the drill compares the restore with them.
 * Version 1 stays readable: backups taken by older rollgate or by other tools still verify on
 * checksum and row counts, and the drill says that nothing more was compared.
 */
export const BackupManifest = z
  .strictObject({
    manifestVersion: z.union([z.literal(1), z.literal(2)]),
    engine: BackupEngine,
    format: BackupFormat,
    /** File (or directory) name of the backup, without its folder. */
    file: z
      .string()
      .min(1)
      .refine((f) => !/[\\/]/.test(f), 'a bare file name, no folder'),
    sizeBytes: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    /** The moment the data is from: RPO is measured from here. At or just before the snapshot. */
    consistentAt: z.iso.datetime(),
    /** How the consistent point was obtained, in words. */
    consistency: z.string().min(1),
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime(),
    /** Rows per table at the consistent point; `schema.table` outside PostgreSQL's `public`. */
    tables: z.record(z.string().min(1), z.number().int().nonnegative()),
    /** Database name and host the backup came from; never credentials. */
    source: z.strictObject({ database: z.string(), host: z.string().optional() }),
    /** The tool that wrote it, with its version (`pg_dump (PostgreSQL) 15.20`). */
    tool: z.string().min(1),
    rollgateVersion: z.string().min(1),
    /** v2: tables, columns, indexes, constraints, sequences, views and triggers at the consistent point. */
    inventory: SchemaInventory.optional(),
    /** v2: per table, sha256 of its rows in a fixed order (see `TableDigest`), same snapshot as `tables`. */
    contentDigests: ContentDigests.optional(),
    /** Engine `files`: every entry of the archive, sorted by path (files with their sha256 and size). */
    files: z.array(FileEntry).optional(),
  })
  .refine((m) => ENGINE_OF[m.format] === m.engine, { message: 'format does not belong to engine' })
  .refine(
    (m) =>
      m.manifestVersion === 1 ||
      m.engine === 'files' ||
      (m.inventory !== undefined && m.contentDigests !== undefined),
    { message: 'manifestVersion 2 needs inventory and contentDigests', path: ['manifestVersion'] },
  )
  .refine((m) => (m.engine === 'files') === (m.files !== undefined), {
    message: 'a files backup needs its file list (files), and only a files backup has one',
    path: ['files'],
  });
export type BackupManifest = z.infer<typeof BackupManifest>;

export function manifestPathFor(backupPath: string): string {
  return `${backupPath}.manifest.json`;
}

let version: string | undefined;
export function rollgateVersion(): string {
  version ??= (
    JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;
  return version;
}

/** sha256 of a manifest file's bytes: what the store records when the backup is taken. */
export function manifestSha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Reads and validates the manifest beside `backupPath`. Missing or invalid is a `CheckFailure`:
 * the backup process did not leave the proof it owes. Unreadable for another reason (permissions,
 * I/O) is an `ObservationError`.
 */
export async function readManifest(backupPath: string): Promise<BackupManifest> {
  return (await readManifestWithDigest(backupPath)).manifest;
}

/**
 * As `readManifest`, with the sha256 of the very bytes that were parsed, so what is checked
 * against the store's record and what is used afterwards cannot differ.
 */
export async function readManifestWithDigest(
  backupPath: string,
): Promise<{ manifest: BackupManifest; sha256: string }> {
  const path = manifestPathFor(backupPath);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CheckFailure(`manifest missing: no ${basename(path)} beside the backup`);
    throw new ObservationError(`cannot read manifest ${path}: ${code ?? (error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new CheckFailure(`manifest invalid: ${basename(path)} is not JSON`);
  }
  const parsed = BackupManifest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CheckFailure(
      `manifest invalid: ${basename(path)}: ${issue?.path.join('.') || '(root)'} ${issue?.message}`,
    );
  }
  if (parsed.data.file !== basename(backupPath)) {
    throw new CheckFailure(
      `manifest invalid: ${basename(path)} describes "${parsed.data.file}", not "${basename(backupPath)}"`,
    );
  }
  return { manifest: parsed.data, sha256: manifestSha256(bytes) };
}

/** Writes the manifest atomically (temporary file, then rename): readers never see half of it. */
export async function writeManifest(backupPath: string, manifest: BackupManifest): Promise<string> {
  return (await writeManifestWithDigest(backupPath, manifest)).path;
}

/** As `writeManifest`, returning the sha256 of the bytes written (for the store's record). */
export async function writeManifestWithDigest(
  backupPath: string,
  manifest: BackupManifest,
): Promise<{ path: string; sha256: string }> {
  const path = manifestPathFor(backupPath);
  const valid = BackupManifest.parse(manifest);
  const text = `${JSON.stringify(valid, null, 2)}\n`;
  await writeFile(`${path}.tmp`, text, { mode: 0o644 });
  await rename(`${path}.tmp`, path);
  return { path, sha256: manifestSha256(text) };
}
