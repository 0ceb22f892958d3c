import { createHash, randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { DemoDatabase } from './schema.ts';
import { DEFAULT_SESSION_TTL_MS, type SessionRecord, type Store, type StoreInfo } from './store.ts';

/** The database holds only a hash of each session id, so a leaked database copy logs nobody in. */
function hashSessionId(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}

/** The driver-level side of a store: what Kysely does not expose. */
export interface ConnectionSource {
  /** Pooled connections checked out (or SQLite handles open) right now; NaN when unknown. */
  inUse(): number;
  /** Opens a connection outside the pool, runs a query on it, and returns how to close it. */
  openStray(): Promise<() => Promise<void> | void>;
}

/**
 * {@link Store} over any Kysely dialect. Queries stay in Kysely's portable subset; the one
 * dialect-sensitive spot (`returning`) is marked.
 */
export function createKyselyStore(
  db: Kysely<DemoDatabase>,
  info: StoreInfo,
  source: ConnectionSource,
): Store {
  // Stray connections live until close(): a leak in the app, not in the process's shutdown.
  const strays: (() => Promise<void> | void)[] = [];
  return {
    async findUserByName(username) {
      const row = await db
        .selectFrom('users')
        .select(['id', 'username', 'password_hash'])
        .where('username', '=', username)
        .executeTakeFirst();
      return row && { id: row.id, username: row.username, passwordHash: row.password_hash };
    },

    async createSession(userId, ttlMs = DEFAULT_SESSION_TTL_MS) {
      const now = new Date();
      const id = randomBytes(32).toString('base64url');
      const expiresAt = new Date(now.getTime() + ttlMs);
      const user = await db
        .selectFrom('users')
        .select('username')
        .where('id', '=', userId)
        .executeTakeFirstOrThrow();
      // Opportunistic clean-up keeps the table small without a background timer.
      await db.deleteFrom('sessions').where('expires_at', '<=', now.toISOString()).execute();
      await db
        .insertInto('sessions')
        .values({
          id_hash: hashSessionId(id),
          user_id: userId,
          created_at: now.toISOString(),
          expires_at: expiresAt.toISOString(),
        })
        .execute();
      return { id, userId, username: user.username, expiresAt } satisfies SessionRecord;
    },

    async getSession(id) {
      if (!id) return undefined;
      const row = await db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select(['sessions.user_id', 'sessions.expires_at', 'users.username'])
        .where('sessions.id_hash', '=', hashSessionId(id))
        .executeTakeFirst();
      if (!row) return undefined;
      const expiresAt = new Date(row.expires_at);
      if (expiresAt.getTime() <= Date.now()) return undefined;
      return { id, userId: row.user_id, username: row.username, expiresAt };
    },

    async deleteSession(id) {
      await db.deleteFrom('sessions').where('id_hash', '=', hashSessionId(id)).execute();
    },

    async createEstimate(userId, title, items) {
      const createdAt = new Date().toISOString();
      return db.transaction().execute(async (trx) => {
        const insert = trx.insertInto('estimates').values({ user_id: userId, title, created_at: createdAt });
        // Kysely's MySQL dialect has no RETURNING; the driver's insertId is the same id there.
        const id =
          info.engine === 'mysql'
            ? Number((await insert.executeTakeFirstOrThrow()).insertId)
            : (await insert.returning('id').executeTakeFirstOrThrow()).id;
        if (items.length > 0) {
          await trx
            .insertInto('line_items')
            .values(
              items.map((item, position) => ({
                estimate_id: id,
                position,
                description: item.description,
                quantity: item.quantity,
                unit_price_cents: item.unitPriceCents,
              })),
            )
            .execute();
        }
        const totalCents = items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);
        return { id, title, createdAt, itemCount: items.length, totalCents };
      });
    },

    async deleteEstimate(userId, id) {
      return db.transaction().execute(async (trx) => {
        const owned = await trx
          .selectFrom('estimates')
          .select('id')
          .where('id', '=', id)
          .where('user_id', '=', userId)
          .executeTakeFirst();
        if (!owned) return false;
        await trx.deleteFrom('line_items').where('estimate_id', '=', id).execute();
        await trx.deleteFrom('estimates').where('id', '=', id).execute();
        return true;
      });
    },

    async listEstimates(userId) {
      const rows = await db
        .selectFrom('estimates as e')
        .leftJoin('line_items as li', 'li.estimate_id', 'e.id')
        .select([
          'e.id',
          'e.title',
          'e.created_at',
          // Totals are computed by the database from the stored integer cents, not kept as a column
          // that could drift from the line items.
          sql<number | string>`coalesce(sum(li.quantity * li.unit_price_cents), 0)`.as('total_cents'),
          sql<number | string>`count(li.id)`.as('item_count'),
        ])
        .where('e.user_id', '=', userId)
        .groupBy(['e.id', 'e.title', 'e.created_at'])
        .orderBy('e.id', 'desc')
        .execute();
      // PostgreSQL returns bigint aggregates as strings; Number() keeps the interface engine-neutral.
      return rows.map((row) => ({
        id: row.id,
        title: row.title,
        createdAt: row.created_at,
        itemCount: Number(row.item_count),
        totalCents: Number(row.total_cents),
      }));
    },

    async ping() {
      // Touches a real table, so a missing schema or a broken file fails the health check.
      await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
    },

    info() {
      return { ...info };
    },

    connectionsInUse() {
      return source.inUse() + strays.length;
    },

    async openStrayConnection() {
      strays.push(await source.openStray());
    },

    async close() {
      const closing = strays.splice(0).map(async (closeStray) => closeStray());
      await Promise.allSettled(closing);
      await db.destroy();
    },
  };
}
