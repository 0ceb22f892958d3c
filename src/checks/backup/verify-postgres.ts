import { basename } from 'node:path';
import pg from 'pg';
import { ObservationError } from '../authoring/errors.ts';
import { checkTimeEvidence } from './backup-time.ts';
import { parseServerUrl, pgClientConfig, type ServerTarget } from './connection.ts';
import { digestPath } from './digest.ts';
import type { BackupFormat } from './manifest.ts';
import { abortable, OutcomeBuilder, withBudget } from './outcome.ts';
import { readAll, restore } from './pg-restore.ts';
import { pgArchiveCreated } from './recorded-time.ts';
import { scratchNames } from './scratch-marker.ts';
import { createPgScratch, type PgScratch } from './scratch-postgres.ts';
import { pgQualified } from './take-postgres.ts';
import {
  appendOutcome,
  checkBackupBytes,
  checkInvariants,
  checkRowCounts,
  loadManifest,
  recordError,
  settleScratch,
  type VerifyOptions,
  type VerifyResult,
} from './verify-common.ts';

/** The restore role's connection to the scratch database (opened while the restore runs). */
async function connectRestorer(scratch: PgScratch): Promise<pg.Client> {
  const client = new pg.Client(pgClientConfig(scratch.restorer));
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  return client;
}

/** Row counts and invariants, as the restore role, in a read-only transaction. */
async function inspect(
  out: OutcomeBuilder,
  client: pg.Client,
  opts: VerifyOptions,
  signal: AbortSignal,
  manifest = opts.manifest,
) {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  await checkRowCounts(out, manifest, async (table) => {
    const exists = await abortable(client.query('SELECT to_regclass($1) AS r', [pgQualified(table)]), signal);
    if (!exists.rows[0]?.r) return undefined;
    const { rows } = await abortable(client.query(`SELECT count(*) AS n FROM ${pgQualified(table)}`), signal);
    return Number(rows[0]?.n);
  });
  await checkInvariants(out, opts.invariants, async (sql) => {
    // A savepoint per query: one failing invariant must not abort the others.
    await client.query('SAVEPOINT invariant');
    try {
      const { rows } = await abortable(client.query({ text: sql, rowMode: 'array' }), signal);
      await client.query('RELEASE SAVEPOINT invariant');
      return rows.length > 0
        ? { found: true, value: (rows[0] as unknown[])[0] }
        : { found: false, value: undefined };
    } catch (error) {
      if (signal.aborted) throw error;
      await client.query('ROLLBACK TO SAVEPOINT invariant');
      throw error;
    }
  });
  await client.query('ROLLBACK');
}

/**
 * Verifies a PostgreSQL dump (custom, directory or plain): reads all of it and refuses dumps that
 * switch database, then restores it into a fresh scratch database as a role that is not a
 * superuser, compares row counts with the manifest and runs the invariants. The scratch database
 * and role are dropped at the end, on failure, on timeout and on SIGINT/SIGTERM.
 */
export async function verifyPostgresBackup(
  opts: VerifyOptions,
  sniffed?: BackupFormat,
): Promise<VerifyResult> {
  const out = new OutcomeBuilder();
  const manifest = await loadManifest(out, opts);
  const format = manifest?.format ?? sniffed ?? 'pg-custom';
  let scratch: PgScratch | undefined;
  let keep = false;
  try {
    await withBudget(out, opts.budgetMs, async (signal) => {
      // Everything before the restore runs at once: the hash, the archive's recorded time, the
      // full read through the script scanner and creating the scratch database. What they find is
      // recorded in the order of one step after the other (checksum first).
      let admin: ServerTarget | undefined;
      let badAdmin: unknown;
      try {
        admin = opts.scratchUrl ? parseServerUrl(opts.scratchUrl) : undefined;
      } catch (error) {
        badAdmin = error;
      }
      const hashing = digestPath(opts.backup);
      const recording =
        manifest && format !== 'pg-plain'
          ? pgArchiveCreated(opts.backup, signal, opts.timeZone)
          : Promise.resolve(undefined);
      const readOut = new OutcomeBuilder();
      const reading = readAll(readOut, opts.backup, format, signal);
      const creating = admin ? createPgScratch(admin, scratchNames(opts.runId)) : undefined;
      const settled = Promise.allSettled([hashing, recording, reading, creating]);
      try {
        if (!(await checkBackupBytes(out, opts.backup, manifest, hashing))) return;
        if (manifest) {
          // Custom and directory archives record when pg_dump started; plain scripts record nothing.
          const recorded = await recording;
          // An archive always records it: one whose time cannot be read is not vouched for by it.
          if (format !== 'pg-plain' && !recorded)
            out.error(
              `cannot read the creation time from ${basename(opts.backup)}'s archive header (pg_restore --list): the manifest's time cannot be cross-checked`,
            );
          await checkTimeEvidence(out, {
            backup: opts.backup,
            manifest,
            recorded,
            skewMs: opts.clockSkewMs,
          });
        }
        if (!opts.scratchUrl) {
          throw new ObservationError(
            'no scratch server to restore on: pass scratchUrl, an admin URL of a PostgreSQL server',
          );
        }
        if (!creating) throw badAdmin;
        const failuresBefore = out.problems.length;
        await reading;
        appendOutcome(out, readOut);
        signal.throwIfAborted();
        // A dump that is incomplete or switches database is never restored.
        if (out.problems.length > failuresBefore) return;
        const created = await creating;
        scratch = created;
        await opts.onScratch?.(created);
        // Connecting is not restoring: it overlaps the restore (the transaction starts after it).
        const connecting = connectRestorer(created);
        connecting.catch(() => {}); // awaited below, or closed in the finally
        try {
          if (!(await restore(out, opts.backup, format, created, signal))) return;
          await inspect(out, await abortable(connecting, signal), opts, signal, manifest);
        } finally {
          // Closes while the scratch database is dropped: the drop ends it anyway (WITH FORCE).
          void connecting.then((client) => client.end()).catch(() => {});
        }
      } finally {
        // A scratch database created meanwhile is dropped below, however this ended.
        const [, , , made] = await settled;
        if (made.status === 'fulfilled') scratch = made.value;
      }
    });
  } catch (error) {
    recordError(out, error);
  } finally {
    keep = await settleScratch(out, scratch, opts.keepScratch, 'scratch database');
  }
  const tables = manifest ? Object.keys(manifest.tables).length : 0;
  const result = out.finish(`restored into a scratch database; ${tables} table(s) match the manifest`);
  return { ...result, backup: opts.backup, format, manifest, ...(keep && scratch ? { scratch } : {}) };
}
