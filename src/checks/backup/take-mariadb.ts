import mysql from 'mysql2/promise';
import { ObservationError } from '../authoring/errors.ts';
import { mysqlClientConfig, mysqlToolArgs, type ServerTarget } from './connection.ts';
import { compareInventory } from './inventory.ts';
import { mysqlCanonicalSession, mysqlDigests, mysqlInventory } from './inventory-mariadb.ts';
import { runTool, toolVersion } from './run-tool.ts';
import type { TakeResult } from './take-types.ts';

export function quoteMysqlIdent(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

export async function mysqlRowCounts(conn: mysql.Connection, database: string, keys?: string[]) {
  const tables =
    keys ??
    (
      (
        await conn.query(
          "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1",
          [database],
        )
      )[0] as { t: string }[]
    ).map((r) => r.t);
  const counts: Record<string, number> = {};
  for (const t of tables) {
    const [rows] = await conn.query(
      `SELECT COUNT(*) AS n FROM ${quoteMysqlIdent(database)}.${quoteMysqlIdent(t)}`,
    );
    counts[t] = Number((rows as { n: string }[])[0]?.n);
  }
  return counts;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * mariadb-dump --single-transaction, with the row counts of the same instant. MariaDB cannot share
 * a snapshot with another session, so writes are paused briefly instead: FLUSH TABLES WITH READ
 * LOCK, our own consistent snapshot, start the dump, wait until the dump has its snapshot (its new
 * session appears in the source database, see `dumpSessions`) or has ended, UNLOCK. With writes
 * paused, both snapshots see the same data. The lock is held only while the dump starts, as
 * `mariadb-dump --master-data` does. Needs RELOAD; only transactional (InnoDB) tables are
 * consistent, as with any --single-transaction dump. Limit: another new session of the same user
 * in that database during those milliseconds could be taken for the dump's.
 *
 * The schema inventory is read while writes are paused and again after the dump: information_schema
 * is not transactional, and mariadb-dump reads each table's definition as it goes, so a schema that
 * changed in between is refused (take the backup again) rather than described wrongly. Content
 * digests are read in our snapshot, which holds the same data as the dump's. Read-only on the
 * source: the lock and the transactions write nothing.
 */
export async function takeMariadb(
  source: ServerTarget,
  tmpPath: string,
  signal?: AbortSignal,
): Promise<TakeResult> {
  const tool = await toolVersion('mariadb-dump');
  let conn: mysql.Connection;
  try {
    conn = await mysql.createConnection(mysqlClientConfig(source));
  } catch (error) {
    throw new ObservationError(
      `source database unreachable: MariaDB at ${source.host}:${source.port}: ${(error as Error).message}`,
    );
  }
  conn.on('error', () => {});
  let locked = false;
  try {
    try {
      await conn.query('FLUSH TABLES WITH READ LOCK');
      locked = true;
    } catch (error) {
      throw new ObservationError(
        `cannot pause writes for a consistent backup (needs RELOAD): ${(error as Error).message}`,
      );
    }
    await conn.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    await mysqlCanonicalSession(conn);
    const consistentAt = new Date();
    await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    const inventory = await mysqlInventory(conn, source.database);
    const [[me]] = (await conn.query(
      'SELECT CONNECTION_ID() AS id, SUBSTRING_INDEX(CURRENT_USER(), "@", 1) AS u',
    )) as unknown as [{ id: number; u: string }[]];
    const before = new Set(await dumpSessions(conn, me!.u, source.database));
    const { args, env } = mysqlToolArgs(source);
    let exited = false;
    const dump = runTool(
      'mariadb-dump',
      [
        ...args,
        '--single-transaction',
        '--triggers',
        '--hex-blob',
        '--no-tablespaces',
        `--result-file=${tmpPath}`,
        source.database,
      ],
      { env, signal },
    ).finally(() => {
      exited = true;
    });
    dump.catch(() => {});
    // Keep writes paused until the dump's own snapshot exists.
    let seen = false;
    while (!seen && !exited) {
      const now = await dumpSessions(conn, me!.u, source.database).catch(() => undefined);
      if (!now) break;
      seen = now.some((id) => id !== me!.id && !before.has(id));
      if (!seen) await sleep(5);
    }
    // Could not watch the sessions: consistency first, writes stay paused to the end.
    if (!seen) await dump.catch(() => {});
    await conn.query('UNLOCK TABLES');
    locked = false;
    const tables = await mysqlRowCounts(conn, source.database);
    const contentDigests = await mysqlDigests(conn, source.database, Object.keys(tables));
    const result = await dump;
    if (result.exitCode !== 0) throw new ObservationError(`mariadb-dump failed: ${result.errorLine}`);
    const changed = compareInventory(inventory, await mysqlInventory(conn, source.database));
    if (changed.length > 0) {
      throw new ObservationError(
        `the schema of ${source.database} changed while the backup ran (${changed.slice(0, 3).join('; ')}): take the backup again when no migration runs`,
      );
    }
    await conn.query('COMMIT');
    return {
      consistentAt,
      consistency:
        'FLUSH TABLES WITH READ LOCK while our snapshot and mariadb-dump --single-transaction start; rows counted and tables digested in our snapshot; schema listed under the lock and unchanged after the dump',
      tables,
      inventory,
      contentDigests,
      tool,
      source: { database: source.database, host: `${source.host}:${source.port}` },
    };
  } finally {
    if (locked) await conn.query('UNLOCK TABLES').catch(() => {});
    await conn.end().catch(() => {});
  }
}

/**
 * Sessions of `user` in `database`. mariadb-dump connects without a database, starts its snapshot,
 * and only then selects the database (`Init DB`): a new session showing the database has its
 * snapshot. Own-user sessions are visible without the PROCESS privilege.
 */
async function dumpSessions(conn: mysql.Connection, user: string, database: string): Promise<number[]> {
  const [rows] = await conn.query(
    'SELECT ID AS id FROM information_schema.PROCESSLIST WHERE USER = ? AND DB = ?',
    [user, database],
  );
  return (rows as { id: number }[]).map((r) => Number(r.id));
}
