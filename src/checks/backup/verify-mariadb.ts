import mysql from 'mysql2/promise';
import { ObservationError } from '../authoring/errors.ts';
import { checkTimeEvidence } from './backup-time.ts';
import { mysqlClientConfig, mysqlToolArgs, parseServerUrl } from './connection.ts';
import { digestPath } from './digest.ts';
import { MYSQL_TRAILER, MysqlScriptScanner } from './mysql-script-scan.ts';
import { abortable, OutcomeBuilder, withBudget } from './outcome.ts';
import { readLines } from './read-lines.ts';
import { mariadbCompleted } from './recorded-time.ts';
import { mysqlRestoreFailure } from './restore-errors.ts';
import { runVerifyTool } from './run-tool.ts';
import { createMysqlScratch, type MysqlScratch } from './scratch-mariadb.ts';
import { scratchNames } from './scratch-marker.ts';
import { quoteMysqlIdent } from './take-mariadb.ts';
import {
  checkBackupBytes,
  checkInvariants,
  checkRowCounts,
  loadManifest,
  recordError,
  settleScratch,
  type VerifyOptions,
  type VerifyResult,
} from './verify-common.ts';

async function scan(out: OutcomeBuilder, backup: string, signal: AbortSignal): Promise<MysqlScriptScanner> {
  const scanner = new MysqlScriptScanner();
  await readLines(backup, (line) => scanner.push(line), signal);
  out.measure(
    { name: 'completion-trailer', operator: '==', expected: 'present' },
    scanner.trailer ? 'present' : 'missing',
    `missing completion trailer "${MYSQL_TRAILER}": the dump is incomplete (${scanner.lines} lines read)`,
  );
  for (const problem of scanner.problems) out.fail(problem);
  return scanner;
}

async function restore(
  out: OutcomeBuilder,
  backup: string,
  scratch: MysqlScratch,
  signal: AbortSignal,
  scanned: MysqlScriptScanner,
) {
  const { args, env } = mysqlToolArgs(scratch.restorer);
  const result = await runVerifyTool(
    'mariadb',
    // --sandbox: the client refuses commands that touch the file system, whatever the dump says.
    [
      ...args,
      '--connect-timeout=10',
      '--batch',
      '--sandbox',
      '--local-infile=0',
      `--database=${scratch.name}`,
    ],
    { env, signal, inputFile: backup },
  );
  if (result.exitCode === 0) return true;
  // Unreachable or login refused throws (errored); a refused privilege fails with its fix named.
  out.fail(mysqlRestoreFailure(result.errorLine, scanned.definers));
  return false;
}

/** CHECK TABLE, row counts and invariants as the restricted user, in a read-only transaction. */
async function inspect(
  out: OutcomeBuilder,
  scratch: MysqlScratch,
  opts: VerifyOptions,
  signal: AbortSignal,
  manifest = opts.manifest,
) {
  const conn = await abortable(mysql.createConnection(mysqlClientConfig(scratch.restorer)), signal);
  conn.on('error', () => {});
  try {
    const [tableRows] = await conn.query(
      "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'",
      [scratch.name],
    );
    const tables = new Set((tableRows as { t: string }[]).map((r) => r.t));
    const listed = [...tables].filter((t) => t !== '_rollgate_scratch');
    if (listed.length > 0) {
      const [checks] = await abortable(
        conn.query(`CHECK TABLE ${listed.map(quoteMysqlIdent).join(', ')}`),
        signal,
      );
      const bad = (checks as { Table: string; Msg_type: string; Msg_text: string }[]).filter(
        (r) =>
          r.Msg_type.toLowerCase() === 'error' ||
          (r.Msg_type.toLowerCase() === 'status' && r.Msg_text !== 'OK'),
      );
      out.measure(
        { name: 'check-table', operator: '==', expected: 'OK' },
        bad.length === 0 ? 'OK' : bad.map((r) => `${r.Table}: ${r.Msg_text}`).join(' | '),
        `CHECK TABLE: ${bad.map((r) => `${r.Table}: ${r.Msg_text}`).join(' | ')}`,
      );
    }
    await conn.query('START TRANSACTION READ ONLY');
    await checkRowCounts(out, manifest, async (t) => {
      if (!tables.has(t)) return undefined;
      const [rows] = await abortable(conn.query(`SELECT COUNT(*) AS n FROM ${quoteMysqlIdent(t)}`), signal);
      return Number((rows as { n: string }[])[0]?.n);
    });
    await checkInvariants(out, opts.invariants, async (sql) => {
      const [rows] = await abortable(conn.query({ sql, rowsAsArray: true }), signal);
      const list = rows as unknown[][];
      return list.length > 0 ? { found: true, value: list[0]![0] } : { found: false, value: undefined };
    });
    await conn.query('ROLLBACK');
  } finally {
    await conn.end().catch(() => {});
  }
}

/**
 * Verifies a mariadb-dump file: its completion trailer, no USE / CREATE DATABASE / client commands,
 * then a restore into a fresh scratch schema as a user with privileges on that schema only,
 * CHECK TABLE, row counts against the manifest and the invariants. The schema and the user are
 * dropped at the end, on failure, on timeout and on SIGINT/SIGTERM.
 */
export async function verifyMariadbBackup(opts: VerifyOptions): Promise<VerifyResult> {
  const out = new OutcomeBuilder();
  const manifest = await loadManifest(out, opts);
  let scratch: MysqlScratch | undefined;
  let keep = false;
  try {
    await withBudget(out, opts.budgetMs, async (signal) => {
      if (!(await checkBackupBytes(out, opts.backup, manifest, digestPath(opts.backup)))) return;
      const failuresBefore = out.problems.length;
      const scanned = await scan(out, opts.backup, signal);
      // An incomplete dump, or one that would write elsewhere, is never restored.
      const refused = out.problems.length > failuresBefore;
      if (manifest) {
        const recorded = mariadbCompleted(scanned.trailerLine, opts.timeZone);
        await checkTimeEvidence(out, { backup: opts.backup, manifest, recorded, skewMs: opts.clockSkewMs });
      }
      if (refused) return;
      if (!opts.scratchUrl) {
        throw new ObservationError(
          'no scratch server to restore on: pass scratchUrl, an admin URL of a MariaDB server',
        );
      }
      scratch = await createMysqlScratch(parseServerUrl(opts.scratchUrl), scratchNames(opts.runId));
      signal.throwIfAborted();
      await opts.onScratch?.(scratch);
      if (!(await restore(out, opts.backup, scratch, signal, scanned))) return;
      await inspect(out, scratch, opts, signal, manifest);
    });
  } catch (error) {
    recordError(out, error);
  } finally {
    keep = await settleScratch(out, scratch, opts.keepScratch, 'scratch schema');
  }
  const tables = manifest ? Object.keys(manifest.tables).length : 0;
  const result = out.finish(
    `restored into a scratch schema; CHECK TABLE ok; ${tables} table(s) match the manifest`,
  );
  return {
    ...result,
    backup: opts.backup,
    format: 'mariadb-sql',
    manifest,
    ...(keep && scratch ? { scratch } : {}),
  };
}
