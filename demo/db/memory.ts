import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { createKyselyStore } from './kysely-store.ts';
import { type DemoDatabase, ensureSchema, seedDemoUser } from './schema.ts';
import type { Store } from './store.ts';

/**
 * The `memory-db` fault's store: a private in-memory SQLite database, opened whatever the database
 * URL says, as an app does when its `DATABASE_URL` falls back to `:memory:`. Everything works until
 * the process ends and takes every record with it. It says so: `info()` reports `persistent: false`
 * and SQLite's own journal mode for such a database, `memory` (never WAL), and no file.
 */
export async function openMemoryStore(): Promise<Store> {
  const connection = new Database(':memory:');
  const journalMode = String(connection.pragma('journal_mode', { simple: true })).toLowerCase();
  connection.pragma('foreign_keys = ON');
  const db = new Kysely<DemoDatabase>({ dialect: new SqliteDialect({ database: connection }) });
  try {
    await ensureSchema(db, 'sqlite');
    await seedDemoUser(db, 'sqlite');
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return createKyselyStore(
    db,
    { engine: 'sqlite', journalMode, persistent: false },
    {
      inUse: () => (connection.open ? 1 : 0),
      async openStray() {
        // Another handle on ':memory:' is another, empty database: the leak is the open handle.
        const stray = new Database(':memory:');
        return () => {
          stray.close();
        };
      },
    },
  );
}
