import { pgToolEnv } from './connection.ts';
import type { BackupFormat } from './manifest.ts';
import type { OutcomeBuilder } from './outcome.ts';
import { PG_TRAILER, PgScriptScanner } from './pg-script-scan.ts';
import { readLines } from './read-lines.ts';
import { pgRestoreFailure } from './restore-errors.ts';
import { runVerifyTool } from './run-tool.ts';
import type { PgScratch } from './scratch-postgres.ts';

/**
 * Reads the whole dump, as a restore would, through the script scanner: a plain dump directly;
 * custom and directory formats through `pg_restore --file=-`, which decompresses every data block
 * (`pg_restore --list` reads only the table of contents and passes on a dump cut in half).
 */
export async function readAll(
  out: OutcomeBuilder,
  backup: string,
  format: BackupFormat,
  signal: AbortSignal,
) {
  const scanner = new PgScriptScanner();
  if (format === 'pg-plain') {
    await readLines(backup, (line) => scanner.push(line), signal);
    out.measure(
      { name: 'completion-trailer', operator: '==', expected: 'present' },
      scanner.trailer ? 'present' : 'missing',
      `missing completion trailer "${PG_TRAILER}": the plain dump is incomplete (${scanner.lines} lines read)`,
    );
  } else {
    const result = await runVerifyTool('pg_restore', ['--file=-', backup], {
      onChunk: (chunk) => scanner.pushBytes(chunk),
      signal,
    });
    scanner.endBytes();
    out.measure(
      { name: 'full-read', operator: '==', expected: 'ok' },
      result.exitCode === 0 ? 'ok' : result.errorLine || `exit ${result.exitCode}`,
      `pg_restore could not read the whole dump: ${result.errorLine || `exit code ${result.exitCode}`}`,
    );
  }
  for (const problem of scanner.problems) out.fail(problem);
}

export async function restore(
  out: OutcomeBuilder,
  backup: string,
  format: BackupFormat,
  scratch: PgScratch,
  signal: AbortSignal,
) {
  const env = pgToolEnv(scratch.restorer);
  const result =
    format === 'pg-plain'
      ? await runVerifyTool(
          'psql',
          ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', `--file=${backup}`],
          { env, signal },
        )
      : await runVerifyTool(
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
  // Unreachable or login refused throws (errored); a refused privilege fails with its fix named.
  out.fail(pgRestoreFailure(tool, result.errorLine, result.stderr));
  return false;
}
