import { Kysely, MysqlDialect } from 'kysely';
import { createPool, type Pool } from 'mysql2';
import { createConnection } from 'mysql2/promise';
import { createKyselyStore } from './kysely-store.ts';
import { type DemoDatabase, ensureSchema, seedDemoUser } from './schema.ts';
import type { Store } from './store.ts';
import { maskDatabaseUrl } from './url.ts';

/**
 * Opens the demo on an existing MariaDB/MySQL database (`mysql://user:pass@127.0.0.1:3306/app`
 * or `mariadb://…`), creating its tables when missing.
 */
export async function openMysqlStore(url: string): Promise<Store> {
  // mysql2 reads credentials, host and database from a mysql:// URL; mariadb:// is the same protocol.
  const uri = url.replace(/^mariadb:/i, 'mysql:');
  const pool = createPool({
    uri,
    connectionLimit: 10,
    charset: 'utf8mb4',
    // Counts come back as numbers (not strings) while they fit; money sums are DECIMAL strings,
    // which the store turns into numbers.
    supportBigNumbers: true,
    connectTimeout: 10_000,
  });
  const db = new Kysely<DemoDatabase>({ dialect: new MysqlDialect({ pool }) });
  try {
    await ensureSchema(db, 'mysql');
    await seedDemoUser(db, 'mysql');
  } catch (error) {
    await db.destroy();
    throw new Error(`${maskDatabaseUrl(url)}: cannot open MariaDB database: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return createKyselyStore(
    db,
    { engine: 'mysql', persistent: true },
    {
      inUse: () => checkedOut(pool),
      async openStray() {
        const connection = await createConnection({ uri, connectTimeout: 10_000 });
        try {
          await connection.query('select count(*) from users');
        } catch (error) {
          connection.destroy();
          throw error;
        }
        return () => connection.end();
      },
    },
  );
}

/**
 * mysql2's pool has no public count of its connections, so this reads the two queues the pool
 * itself keeps (all and free). Counting 'acquire'/'release' events would drift upward: a
 * connection that dies while checked out leaves the pool without a 'release'. NaN when a future
 * mysql2 renames them, so a check on this gauge fails closed instead of reading 0.
 */
function checkedOut(pool: Pool): number {
  const queues = pool as unknown as {
    _allConnections?: { length?: unknown };
    _freeConnections?: { length?: unknown };
  };
  const all = queues._allConnections?.length;
  const free = queues._freeConnections?.length;
  return typeof all === 'number' && typeof free === 'number' ? all - free : Number.NaN;
}
