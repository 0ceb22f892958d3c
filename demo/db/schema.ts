import type { ColumnDataType, Generated, Kysely } from 'kysely';
import { hashPassword } from './password.ts';
import { DEMO_USER, type Engine } from './store.ts';

/** Table types for Kysely. Timestamps are ISO-8601 UTC text: portable and sortable as strings. */
export interface DemoDatabase {
  users: { id: Generated<number>; username: string; password_hash: string; created_at: string };
  sessions: { id_hash: string; user_id: number; created_at: string; expires_at: string };
  estimates: { id: Generated<number>; user_id: number; title: string; created_at: string };
  line_items: {
    id: Generated<number>;
    estimate_id: number;
    position: number;
    description: string;
    quantity: number;
    unit_price_cents: number;
  };
}

/** Column types per engine: the portable subset, with the two spots where engines disagree. */
function types(engine: Engine): { id: ColumnDataType; key: ColumnDataType } {
  // PostgreSQL has no AUTOINCREMENT keyword (serial makes the sequence); MariaDB cannot index an
  // unbounded TEXT column, so unique and primary-key text is a bounded varchar there.
  if (engine === 'postgres') return { id: 'serial', key: 'text' };
  if (engine === 'mysql') return { id: 'integer', key: 'varchar(255)' };
  return { id: 'integer', key: 'text' };
}

/** Creates the tables when missing (idempotent, so two demos may start on one database). */
export async function ensureSchema(db: Kysely<DemoDatabase>, engine: Engine = 'sqlite'): Promise<void> {
  const t = types(engine);
  // `serial` already implies the sequence; the others need AUTOINCREMENT / AUTO_INCREMENT.
  const auto = engine !== 'postgres';
  await db.schema
    .createTable('users')
    .ifNotExists()
    .addColumn('id', t.id, (c) => (auto ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn('username', t.key, (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('sessions')
    .ifNotExists()
    .addColumn('id_hash', t.key, (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('estimates')
    .ifNotExists()
    .addColumn('id', t.id, (c) => (auto ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('line_items')
    .ifNotExists()
    .addColumn('id', t.id, (c) => (auto ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn('estimate_id', 'integer', (c) => c.notNull().references('estimates.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('unit_price_cents', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('estimates_user_id').ifNotExists().on('estimates').column('user_id').execute();
  await db.schema
    .createIndex('line_items_estimate_id')
    .ifNotExists()
    .on('line_items')
    .column('estimate_id')
    .execute();
}

/** Adds the `demo` user once; an existing user (and a changed password) is left alone. */
export async function seedDemoUser(db: Kysely<DemoDatabase>, engine: Engine = 'sqlite'): Promise<void> {
  const existing = await db
    .selectFrom('users')
    .select('id')
    .where('username', '=', DEMO_USER.username)
    .executeTakeFirst();
  if (existing) return;
  const insert = db.insertInto('users').values({
    username: DEMO_USER.username,
    password_hash: await hashPassword(DEMO_USER.password),
    created_at: new Date().toISOString(),
  });
  // Another demo on the same database may have seeded between our check and this insert.
  // MariaDB has no ON CONFLICT; INSERT IGNORE is its spelling of "do nothing on a duplicate".
  if (engine === 'mysql') await insert.ignore().execute();
  else await insert.onConflict((oc) => oc.column('username').doNothing()).execute();
}
