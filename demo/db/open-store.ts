import { openSqliteStore } from './sqlite.ts';
import type { Store } from './store.ts';
import { DatabaseUrlError, maskDatabaseUrl, parseDatabaseUrl } from './url.ts';

/**
 * Opens the store a database URL names. Dialect selection lives here and only here:
 * PostgreSQL (`kysely` PostgresDialect + `pg`) and MariaDB (MysqlDialect + `mysql2`) slot into
 * their branches, reusing `createKyselyStore`.
 */
export async function openStore(databaseUrl: string): Promise<Store> {
  const target = parseDatabaseUrl(databaseUrl);
  switch (target.engine) {
    case 'sqlite':
      return openSqliteStore(target.path);
    case 'postgres':
    case 'mysql':
      throw new DatabaseUrlError(
        `"${maskDatabaseUrl(target.url)}": ${target.engine} is not supported yet by the demo; use sqlite:<path>`,
      );
  }
}
