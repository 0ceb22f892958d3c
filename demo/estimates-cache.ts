import type { EstimateSummary, Store } from './db/store.ts';

export interface EstimatesCacheOptions {
  /** How long a user's list is served from memory; another instance's writes show after at most this. */
  ttlMs?: number;
  /** Users kept at most; the oldest entry goes first. */
  maxEntries?: number;
  onHit(): void;
  onMiss(): void;
  /** Clock in ms; tests pass their own. */
  now?: () => number;
}

/** Short: the page is read on every visit, while two demos may share one database and write to it. */
export const ESTIMATES_CACHE_TTL_MS = 2000;
const MAX_ENTRIES = 1000;

interface Entry {
  readonly list: readonly EstimateSummary[];
  readonly expiresAt: number;
}

/**
 * Puts a small TTL cache in front of {@link Store.listEstimates}, the query behind the estimates
 * page and `/api/estimates` (the canary load reads it on every visit). This instance's own writes
 * drop the user's entry, so a user always sees what they just created or deleted.
 */
export function cacheEstimates(store: Store, opts: EstimatesCacheOptions): Store {
  const ttlMs = opts.ttlMs ?? ESTIMATES_CACHE_TTL_MS;
  const maxEntries = opts.maxEntries ?? MAX_ENTRIES;
  const now = opts.now ?? Date.now;
  const entries = new Map<number, Entry>();
  // Bumped by every invalidation: a read that started before a write must not store its older list.
  const generations = new Map<number, number>();

  const invalidate = (userId: number) => {
    entries.delete(userId);
    generations.set(userId, (generations.get(userId) ?? 0) + 1);
  };

  async function afterWrite<T>(userId: number, write: Promise<T>): Promise<T> {
    try {
      return await write;
    } finally {
      // Also on failure: a write that failed half-way may still have changed the list.
      invalidate(userId);
    }
  }

  return {
    async listEstimates(userId) {
      const cached = entries.get(userId);
      if (cached && cached.expiresAt > now()) {
        opts.onHit();
        return [...cached.list];
      }
      opts.onMiss();
      const generation = generations.get(userId) ?? 0;
      const list = await store.listEstimates(userId);
      if ((generations.get(userId) ?? 0) === generation) {
        entries.delete(userId); // re-inserted last, so eviction below drops the oldest
        entries.set(userId, { list, expiresAt: now() + ttlMs });
        if (entries.size > maxEntries) {
          const oldest = entries.keys().next().value;
          if (oldest !== undefined) entries.delete(oldest);
        }
      }
      return [...list];
    },
    createEstimate: (userId, title, items) => afterWrite(userId, store.createEstimate(userId, title, items)),
    deleteEstimate: (userId, id) => afterWrite(userId, store.deleteEstimate(userId, id)),
    findUserByName: (username) => store.findUserByName(username),
    createSession: (userId, ttlMs) => store.createSession(userId, ttlMs),
    getSession: (id) => store.getSession(id),
    deleteSession: (id) => store.deleteSession(id),
    ping: () => store.ping(),
    info: () => store.info(),
    connectionsInUse: () => store.connectionsInUse(),
    openStrayConnection: () => store.openStrayConnection(),
    close: () => store.close(),
  };
}
