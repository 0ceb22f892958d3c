import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { CheckFailure, ObservationError } from '../errors.ts';
import { parseServerUrl, pgClientConfig, pgToolEnv, type ServerTarget } from './connection.ts';
import { digestPath } from './digest.ts';
import type { BackupFormat } from './manifest.ts';
import { abortable, OutcomeBuilder, withBudget } from './outcome.ts';
import { PG_TRAILER, PgScriptScanner } from './pg-script-scan.ts';
import { runTool } from './run-tool.ts';
import { scratchNames } from './scratch-marker.ts';
import { createPgScratch, type PgScratch } from './scratch-postgres.ts';
import { pgQualified } from './take-postgres.ts';
import {
  backupReadError,
  checkDigest,
  checkInvariants,
  checkNotEmpty,
  checkRowCounts,
  loadManifest,
  type VerifyOptions,
  type VerifyResult,
} from './verify-common.ts';

const CONNECTION_TROUBLE = /could not connect|connection to server|Connection refused|timeout expired/i;

/**
 * Reads the whole dump, as a restore would, through the script scanner: a plain dump directly;
 * custom and directory formats through `pg_restore --file=-`, which decompresses every data block
 * (`pg_restore --list` reads only the table of contents and passes on a dump cut in half).
 */
async function readAll(out: OutcomeBuilder, backup: string, format: BackupFormat, signal: AbortSignal) {
  const scanner = new PgScriptScanner();
  if (format === 'pg-plain') {
    const input = createReadStream(backup, { highWaterMark: 1 << 20 });
    for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
      scanner.push(line);
      if (signal.aborted) input.destroy();
    }
    signal.throwIfAborted();
    out.measure(
      { name: 'completion-trailer', operator: '==', expected: 'present' },
      scanner.trailer ? 'present' : 'missing',
      `missing completion trailer "${PG_TRAILER}": the plain dump is incomplete (${scanner.lines} lines read)`,
    );
  } else {
    const result = await runTool('pg_restore', ['--file=-', backup], {
      onLine: (l) => scanner.push(l),
      signal,
    });
    out.measure(
      { name: 'full-read', operator: '==', expected: 'ok' },
      result.exitCode === 0 ? 'ok' : result.errorLine || `exit ${result.exitCode}`,
      `pg_restore could not read the whole dump: ${result.errorLine || `exit code ${result.exitCode}`}`,
    );
  }
  for (const problem of scanner.problems) out.fail(problem);
}

async function restore(
  out: OutcomeBuilder,
  backup: string,
  format: BackupFormat,
  scratch: PgScratch,
  signal: AbortSignal,
) {
  const env = { ...process.env, ...pgToolEnv(scratch.restorer) };
  const result =
    format === 'pg-plain'
      ? await runTool(
          'psql',
          ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', `--file=${backup}`],
          { env, signal },
        )
      : await runTool(
          'pg_restore',
          [
            // As a role that is not a superuser, into the scratch database only: never --create.
            '--no-owner',
            '--no-privileges',
            '--no-tablespaces',
            '--no-publications',
            '--no-subscriptions',
            '--no-security-labels',
            '--exit-on-error',
            '--single-transaction',
            `--dbname=${scratch.name}`,
            backup,
          ],
          { env, signal },
        );
  if (result.exitCode === 0) return true;
  const tool = format === 'pg-plain' ? 'psql' : 'pg_restore';
  if (CONNECTION_TROUBLE.test(result.errorLine))
    throw new ObservationError(`${tool} could not reach the scratch server: ${result.errorLine}`);
  out.fail(`restore failed: ${result.errorLine.startsWith(tool) ? '' : `${tool}: `}${result.errorLine}`);
  return false;
}

/** Row counts and invariants, as the restore role, in a read-only transaction. */
async function inspect(
  out: OutcomeBuilder,
  scratch: PgScratch,
  opts: VerifyOptions,
  signal: AbortSignal,
  manifest = opts.manifest,
) {
  const client = new pg.Client(pgClientConfig(scratch.restorer));
  client.on('error', () => {});
  await abortable(client.connect(), signal);
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await checkRowCounts(out, manifest, async (table) => {
      const exists = await abortable(
        client.query('SELECT to_regclass($1) AS r', [pgQualified(table)]),
        signal,
      );
      if (!exists.rows[0]?.r) return undefined;
      const { rows } = await abortable(
        client.query(`SELECT count(*) AS n FROM ${pgQualified(table)}`),
        signal,
      );
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
  } finally {
    await client.end().catch(() => {});
  }
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
      const digest = await digestPath(opts.backup).catch((error) => {
        throw backupReadError(opts.backup, error);
      });
      checkDigest(out, opts.backup, manifest, digest);
      if (!checkNotEmpty(out, opts.backup, digest)) return;
      if (!opts.scratchUrl) {
        throw new ObservationError(
          'no scratch server to restore on: pass scratchUrl, an admin URL of a PostgreSQL server',
        );
      }
      const admin: ServerTarget = parseServerUrl(opts.scratchUrl);
      const failuresBefore = out.problems.length;
      // Reading everything and creating the scratch database overlap: both take a while.
      const [read, created] = await Promise.allSettled([
        readAll(out, opts.backup, format, signal),
        createPgScratch(admin, scratchNames(opts.runId)),
      ]);
      if (created.status === 'fulfilled') scratch = created.value;
      if (read.status === 'rejected') throw read.reason;
      signal.throwIfAborted();
      // A dump that is incomplete or switches database is never restored.
      if (out.problems.length > failuresBefore) return;
      if (created.status === 'rejected') throw created.reason;
      await opts.onScratch?.(created.value);
      if (!(await restore(out, opts.backup, format, created.value, signal))) return;
      await inspect(out, created.value, opts, signal, manifest);
    });
  } catch (error) {
    out.catch(
      error instanceof CheckFailure || error instanceof ObservationError
        ? error
        : new ObservationError(String(error)),
    );
  } finally {
    keep = Boolean(opts.keepScratch && scratch && !out.failed && out.errors.length === 0);
    if (scratch && !keep) {
      await scratch
        .drop()
        .catch((error: Error) =>
          out.error(`scratch database ${scratch?.name} was not dropped: ${error.message}`),
        );
    }
  }
  const tables = manifest ? Object.keys(manifest.tables).length : 0;
  const result = out.finish(`restored into a scratch database; ${tables} table(s) match the manifest`);
  return { ...result, backup: opts.backup, format, manifest, ...(keep && scratch ? { scratch } : {}) };
}
