import { Kysely, MysqlDialect } from 'kysely';
import { createPool } from 'mysql2';
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
  return createKyselyStore(db, { engine: 'mysql', persistent: true });
}
