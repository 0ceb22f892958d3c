import { openMysqlStore } from './mysql.ts';
import { openPostgresStore } from './postgres.ts';
import { openSqliteStore } from './sqlite.ts';
import type { Store } from './store.ts';
import { parseDatabaseUrl } from './url.ts';

/**
 * Opens the store a database URL names. Dialect selection lives here and only here: SQLite
 * (better-sqlite3), PostgreSQL (`pg` pool) and MariaDB/MySQL (`mysql2` pool), all behind the
 * same Kysely store.
 */
export async function openStore(databaseUrl: string): Promise<Store> {
  const target = parseDatabaseUrl(databaseUrl);
  switch (target.engine) {
    case 'sqlite':
      return openSqliteStore(target.path);
    case 'postgres':
      return openPostgresStore(target.url);
    case 'mysql':
      return openMysqlStore(target.url);
  }
}
