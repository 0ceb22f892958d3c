import pg from 'pg';
import { ObservationError } from '../authoring/errors.ts';
import { pgClientConfig, pgToolEnv, type ServerTarget } from './connection.ts';
import { pgCanonicalSession, pgDigests, pgInventory, pgQualified, pgTableKey } from './inventory-postgres.ts';
import type { BackupFormat } from './manifest.ts';
import { runTool, toolVersion } from './run-tool.ts';
import type { TakeResult } from './take-types.ts';

const FORMAT_ARGS: Partial<Record<BackupFormat, string[]>> = {
  'pg-custom': ['--format=custom'],
  'pg-directory': ['--format=directory'],
  // A plain script is restored by psql as a role that is not a superuser: statements that set
  // owners and grants to other roles would fail there, so they are left out when taking it.
  'pg-plain': ['--format=plain', '--no-owner', '--no-privileges'],
};

export { pgQualified, pgTableKey };

export async function pgRowCounts(client: pg.Client, keys?: string[]): Promise<Record<string, number>> {
  const tables =
    keys ??
    (
      await client.query<{ nspname: string; relname: string }>(
        `SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
           AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
         ORDER BY 1, 2`,
      )
    ).rows.map((r) => pgTableKey(r.nspname, r.relname));
  const counts: Record<string, number> = {};
  for (const key of tables) {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${pgQualified(key)}`);
    counts[key] = Number(rows[0]?.n);
  }
  return counts;
}

/**
 * pg_dump of one snapshot: a REPEATABLE READ transaction exports its snapshot
 * (`pg_export_snapshot()`), pg_dump imports it (`--snapshot`), and the rows are counted, the schema
 * listed and the tables digested inside that same transaction, which stays open until pg_dump is
 * done. Counts, inventory, digests and dump are the same instant. The transaction is READ ONLY:
 * nothing is written to the source.
 */
export async function takePostgres(
  source: ServerTarget,
  tmpPath: string,
  format: BackupFormat,
  signal?: AbortSignal,
): Promise<TakeResult> {
  const args = FORMAT_ARGS[format];
  if (!args) throw new ObservationError(`format ${format} is not a PostgreSQL format`);
  const tool = await toolVersion('pg_dump');
  const client = new pg.Client(pgClientConfig(source));
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    throw new ObservationError(
      `source database unreachable: PostgreSQL at ${source.host}:${source.port}: ${(error as Error).message}`,
    );
  }
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // The snapshot is taken by the first statement: this time is at or just before it.
    const consistentAt = new Date();
    const { rows } = await client.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot');
    const snapshot = rows[0]!.snapshot;
    const dump = runTool('pg_dump', [...args, `--snapshot=${snapshot}`, `--file=${tmpPath}`], {
      env: pgToolEnv(source),
      signal,
    });
    dump.catch(() => {});
    const tables = await pgRowCounts(client);
    await pgCanonicalSession(client);
    const inventory = await pgInventory(client);
    const contentDigests = await pgDigests(client, Object.keys(tables));
    const result = await dump;
    if (result.exitCode !== 0) throw new ObservationError(`pg_dump failed: ${result.errorLine}`);
    await client.query('COMMIT');
    return {
      consistentAt,
      consistency:
        'pg_dump --snapshot of an exported REPEATABLE READ snapshot; rows counted, schema listed and tables digested in that snapshot',
      tables,
      inventory,
      contentDigests,
      tool,
      source: { database: source.database, host: `${source.host}:${source.port}` },
    };
  } finally {
    await client.end().catch(() => {});
  }
}
