import { existsSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type BackupFormat, type BackupManifest, ENGINE_OF, readManifest } from './manifest.ts';
import { OutcomeBuilder } from './outcome.ts';
import type { VerifyOptions, VerifyResult } from './verify-common.ts';
import { backupReadError } from './verify-common.ts';

/** Recognises a backup by its first bytes, for when the manifest cannot say. */
export async function sniffFormat(path: string): Promise<BackupFormat | undefined> {
  const s = await stat(path);
  if (s.isDirectory()) return existsSync(join(path, 'toc.dat')) ? 'pg-directory' : undefined;
  const fd = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await fd.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead).toString('latin1');
    if (head.startsWith('SQLite format 3\0')) return 'sqlite';
    if (buf[0] === 0x1f && buf[1] === 0x8b) return 'files-tar-gz';
    if (head.startsWith('PGDMP')) return 'pg-custom';
    if (head.includes('-- PostgreSQL database dump')) return 'pg-plain';
    if (/^(\/\*.*\*\/\s*\n)?-- (MariaDB|MySQL) dump/m.test(head)) return 'mariadb-sql';
    return undefined;
  } finally {
    await fd.close();
  }
}

/**
 * Verifies any backup rollgate knows, chosen by its manifest's format (or, without a manifest, by
 * its first bytes; the missing manifest still fails the verification). Never writes to the backup.
 * @example const r = await verifyBackup({ backup, scratchUrl: 'postgres://postgres@127.0.0.1:5432/postgres' })
 */
export async function verifyBackup(opts: VerifyOptions): Promise<VerifyResult> {
  let manifest: BackupManifest | undefined = opts.manifest;
  if (!manifest) manifest = await readManifest(opts.backup).catch(() => undefined);
  const given = manifest ? { ...opts, manifest } : opts;
  let format = manifest?.format;
  if (!format) {
    try {
      format = await sniffFormat(opts.backup);
    } catch (error) {
      const out = new OutcomeBuilder();
      out.catch(backupReadError(opts.backup, error));
      return { ...out.finish(''), backup: opts.backup };
    }
  }
  if (!format) {
    const out = new OutcomeBuilder();
    // The missing manifest is the first thing wrong; the unknown content the second.
    await readManifest(opts.backup).catch((error) => out.catch(error));
    const empty = (await stat(opts.backup)).size === 0;
    out.fail(
      empty
        ? `empty backup: ${opts.backup} is 0 bytes`
        : `unknown backup format: ${opts.backup} is not a SQLite file, a pg_dump, a mariadb-dump or a gzip'd tar`,
    );
    return { ...out.finish(''), backup: opts.backup };
  }
  // Each engine's verifier (and its driver) loads only for a backup of that engine.
  switch (ENGINE_OF[format]) {
    case 'sqlite':
      return (await import('./verify-sqlite.ts')).verifySqliteBackup(given);
    case 'postgres':
      return (await import('./verify-postgres.ts')).verifyPostgresBackup(given, format);
    case 'mysql':
      return (await import('./verify-mariadb.ts')).verifyMariadbBackup(given);
    case 'files':
      return (await import('./verify-files.ts')).verifyFilesBackup(given);
  }
}
