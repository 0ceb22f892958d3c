import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { createKyselyStore } from './kysely-store.ts';
import { type DemoDatabase, ensureSchema, seedDemoUser } from './schema.ts';
import type { Store } from './store.ts';

/** Opens (creating when missing) a SQLite file in WAL mode with foreign keys enforced. */
export async function openSqliteStore(path: string): Promise<Store> {
  mkdirSync(dirname(path), { recursive: true });
  const connection = new Database(path);
  let journalMode: string;
  try {
    // Wait for a lock instead of failing at once: two demos (baseline and canary) may share a file.
    connection.pragma('busy_timeout = 5000');
    // WAL lets the backup and DR checks read a consistent snapshot while the app keeps writing.
    journalMode = String(connection.pragma('journal_mode = WAL', { simple: true })).toLowerCase();
    connection.pragma('foreign_keys = ON');
    connection.pragma('synchronous = NORMAL');
  } catch (error) {
    connection.close();
    throw new Error(`${path}: cannot open SQLite database: ${(error as Error).message}`, { cause: error });
  }
  if (journalMode !== 'wal') {
    connection.close();
    throw new Error(`${path}: SQLite refused WAL journal mode (got "${journalMode}")`);
  }

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
    { engine: 'sqlite', journalMode, persistent: true, file: path },
    {
      // SQLite has no pool: the app's one handle counts while it is open.
      inUse: () => (connection.open ? 1 : 0),
      async openStray() {
        const stray = new Database(path, { fileMustExist: true });
        try {
          stray.pragma('busy_timeout = 5000');
          stray.prepare('select count(*) as n from users').get();
        } catch (error) {
          stray.close();
          throw error;
        }
        return () => {
          stray.close();
        };
      },
    },
  );
}
