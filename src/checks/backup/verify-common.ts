import { basename } from 'node:path';
import { z } from 'zod';
import { CheckFailure, ObservationError } from '../authoring/errors.ts';
import type { Digest } from './digest.ts';
import { type BackupFormat, type BackupManifest, readManifest } from './manifest.ts';
import type { CheckOutcome, OutcomeBuilder } from './outcome.ts';
import type { Scratch } from './scratch.ts';

/**
 * A query the runbook declares must hold on the restored data: the first column of the first row
 * must equal `expect` (numbers compare as numbers, so a PostgreSQL bigint "0" equals 0).
 * @example { name: 'no orphan line items', sql: 'SELECT count(*) FROM line_items li LEFT JOIN estimates e ON e.id = li.estimate_id WHERE e.id IS NULL', expect: 0 }
 */
export const Invariant = z.strictObject({
  name: z.string().min(1),
  sql: z.string().min(1),
  expect: z.union([z.number(), z.string(), z.boolean(), z.null()]),
});
export type Invariant = z.infer<typeof Invariant>;

export interface VerifyOptions {
  /** The backup file (or pg-directory folder). It is only ever read. */
  backup: string;
  /** Default: `<backup>.manifest.json`. Missing or invalid fails the verification. */
  manifest?: BackupManifest;
  /** Admin URL of the server to restore on (PostgreSQL: may create databases and roles; MariaDB: users and schemas). */
  scratchUrl?: string;
  /** Goes into scratch names and markers; default ROLLGATE_RUN_ID, else `local`. */
  runId?: string;
  /** Deadline for the whole verification; past it everything stops and the result is failed (RTO). */
  budgetMs?: number;
  invariants?: Invariant[];
  /** Keep the restored copy when verification passed (the DR drill boots the app on it); call `scratch.drop()`. */
  keepScratch?: boolean;
  /** Called once the scratch database exists (before the restore). */
  onScratch?: (scratch: Scratch) => void | Promise<void>;
  /** Where SQLite's temporary copy goes; default the OS temporary folder. */
  tmpDir?: string;
  /** How far the manifest's time may disagree with the backup's own times; default 2 minutes. */
  clockSkewMs?: number;
  /** Zone of the local times a dump records (pg_dump header, mariadb-dump trailer); default `TZ`. */
  timeZone?: string;
}

export interface VerifyResult extends CheckOutcome {
  backup: string;
  format?: BackupFormat;
  manifest?: BackupManifest;
  /** Present only with `keepScratch` and a pass. */
  scratch?: Scratch;
}

/** The file is the one the manifest describes: same size, same SHA-256. */
export function checkDigest(
  out: OutcomeBuilder,
  backup: string,
  manifest: BackupManifest | undefined,
  d: Digest,
) {
  if (!manifest) return;
  out.measure(
    { name: 'backup-sha256', operator: '==', expected: manifest.sha256 },
    d.sha256,
    `manifest checksum mismatch: sha256 of ${basename(backup)} is ${d.sha256.slice(0, 12)}…, manifest says ${manifest.sha256.slice(0, 12)}…`,
  );
  out.measure(
    { name: 'backup-size', operator: '==', expected: manifest.sizeBytes, unit: 'bytes' },
    d.sizeBytes,
    `manifest size mismatch: ${basename(backup)} is ${d.sizeBytes} bytes, manifest says ${manifest.sizeBytes}`,
  );
}

/**
 * The backup's bytes against its manifest, once its digest is read: checksum and size, and not
 * empty. A read error names the backup (or is the abort, when `signal` stopped it). False when
 * nothing more can be read from it.
 */
export async function checkBackupBytes(
  out: OutcomeBuilder,
  backup: string,
  manifest: BackupManifest | undefined,
  digesting: Promise<Digest>,
  signal?: AbortSignal,
): Promise<boolean> {
  const digest = await digesting.catch((error) => {
    throw signal?.aborted ? signal.reason : backupReadError(backup, error);
  });
  checkDigest(out, backup, manifest, digest);
  return checkNotEmpty(out, backup, digest);
}

/** Empty is a failure of its own, before anything tries to read it. */
export function checkNotEmpty(out: OutcomeBuilder, backup: string, d: Digest): boolean {
  if (d.sizeBytes > 0) return true;
  out.fail(`empty backup: ${basename(backup)} is 0 bytes`);
  return false;
}

/** Row counts of the restored copy against the manifest's, table by table. */
export async function checkRowCounts(
  out: OutcomeBuilder,
  manifest: BackupManifest | undefined,
  count: (table: string) => Promise<number | undefined>,
): Promise<void> {
  if (!manifest) return;
  for (const [table, expected] of Object.entries(manifest.tables)) {
    let actual: number | undefined;
    try {
      actual = await count(table);
    } catch (error) {
      out.measure(
        { name: `rows:${table}`, operator: '==', expected },
        null,
        `row count of table ${table} failed: ${(error as Error).message}`,
      );
      continue;
    }
    out.measure(
      { name: `rows:${table}`, operator: '==', expected },
      actual ?? null,
      actual === undefined
        ? `table ${table} missing from the restore (manifest says ${expected} rows)`
        : `row count mismatch: table ${table} has ${actual}, manifest says ${expected}`,
    );
  }
}

function normalize(value: unknown, like: Invariant['expect']): number | string {
  if (typeof like === 'number') return Number(value);
  if (typeof like === 'boolean')
    return String(value === true || value === 1 || value === '1' || value === 't');
  if (like === null) return value === null ? 'null' : String(value);
  return String(value);
}

/** Runs each invariant query; a wrong value or a failing query is a failure naming the invariant. */
export async function checkInvariants(
  out: OutcomeBuilder,
  invariants: Invariant[] | undefined,
  firstValue: (sql: string) => Promise<{ found: boolean; value: unknown }>,
): Promise<void> {
  for (const inv of invariants ?? []) {
    const expected = normalize(inv.expect, inv.expect);
    const spec = { name: `invariant:${inv.name}`, operator: '==' as const, expected };
    try {
      const { found, value } = await firstValue(inv.sql);
      if (!found) {
        out.measure(spec, null, `invariant "${inv.name}": query returned no rows`);
        continue;
      }
      const actual = normalize(value, inv.expect);
      out.measure(spec, actual, `invariant "${inv.name}": got ${actual}, expected ${expected}`);
    } catch (error) {
      out.measure(spec, null, `invariant "${inv.name}": query failed: ${(error as Error).message}`);
    }
  }
}

/** The manifest given, or the one beside the backup; missing or invalid is recorded as a failure. */
export async function loadManifest(
  out: OutcomeBuilder,
  opts: VerifyOptions,
): Promise<BackupManifest | undefined> {
  if (opts.manifest) return opts.manifest;
  try {
    return await readManifest(opts.backup);
  } catch (error) {
    out.catch(error);
    return undefined;
  }
}

/** A backup that is not there fails (the drill was pointed at nothing); one we may not read errors. */
export function backupReadError(backup: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new CheckFailure(`backup missing: ${backup} does not exist`);
  return new ObservationError(`cannot read backup ${backup}: ${code ?? (error as Error).message}`);
}

/** Records an error that ended a verification: ours as they are, anything unexpected as errored. */
export function recordError(out: OutcomeBuilder, error: unknown): void {
  out.catch(
    error instanceof CheckFailure || error instanceof ObservationError
      ? error
      : new ObservationError(String(error)),
  );
}

/**
 * Drops the scratch copy unless the caller asked to keep a clean pass (the drill boots on it);
 * a failed drop is an error of the outcome. Returns whether the copy is kept.
 */
export async function settleScratch(
  out: OutcomeBuilder,
  scratch: Scratch | undefined,
  keepWanted: boolean | undefined,
  what: string,
): Promise<boolean> {
  const keep = Boolean(keepWanted && scratch && !out.failed && out.errors.length === 0);
  if (scratch && !keep) {
    await scratch
      .drop()
      .catch((error: Error) => out.error(`${what} ${scratch.name} was not dropped: ${error.message}`));
  }
  return keep;
}

/**
 * Moves what `from` collected into `out`, after what `out` holds: work done concurrently (a
 * restore's full read, an integrity check while the backup is hashed) is reported in the order
 * it would have been found one step after the other, so the reason names the checksum first.
 */
export function appendOutcome(out: OutcomeBuilder, from: OutcomeBuilder): void {
  out.measurements.push(...from.measurements);
  out.problems.push(...from.problems);
  out.errors.push(...from.errors);
  out.notes.push(...from.notes);
}
