import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { createKyselyStore } from './kysely-store.ts';
import { type DemoDatabase, ensureSchema, seedDemoUser } from './schema.ts';
import type { Store } from './store.ts';
import { maskDatabaseUrl } from './url.ts';

/**
 * Opens the demo on an existing PostgreSQL database (`postgres://user:pass@127.0.0.1:5432/app`),
 * creating its tables when missing. The database itself is never created here: who may create
 * databases is the operator's decision, not the app's.
 */
export async function openPostgresStore(url: string): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    application_name: 'rollgate-demo',
    // Fail in seconds, not after the OS TCP timeout, when the server is not there.
    connectionTimeoutMillis: 10_000,
  });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const db = new Kysely<DemoDatabase>({ dialect: new PostgresDialect({ pool }) });
  try {
    await ensureSchema(db, 'postgres');
    await seedDemoUser(db, 'postgres');
  } catch (error) {
    await db.destroy();
    throw new Error(`${maskDatabaseUrl(url)}: cannot open PostgreSQL database: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return createKyselyStore(
    db,
    { engine: 'postgres', persistent: true },
    {
      // Clients not idle: checked out by a query or transaction, or still connecting.
      inUse: () => pool.totalCount - pool.idleCount,
      async openStray() {
        const client = new pg.Client({
          connectionString: url,
          application_name: 'rollgate-demo-stray',
          connectionTimeoutMillis: 10_000,
        });
        client.on('error', () => {});
        try {
          await client.connect();
          await client.query('select count(*) from users');
        } catch (error) {
          await client.end().catch(() => {});
          throw error;
        }
        return () => client.end();
      },
    },
  );
}
