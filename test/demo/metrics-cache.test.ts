import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../demo/db/open-store.ts';
import type { EstimateSummary, Store } from '../../demo/db/store.ts';
import { cacheEstimates } from '../../demo/estimates-cache.ts';
import { tempDirs } from './helpers.ts';

const dirs = tempDirs();
const stores: Store[] = [];

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  dirs.cleanup();
});

/** A real SQLite store with the demo user, the cache in front, a clock the test moves, and counts. */
async function setup(ttlMs = 1000) {
  const store = await openStore(`sqlite:${join(dirs.make(), 'cache.sqlite')}`);
  stores.push(store);
  const counts = { hits: 0, misses: 0 };
  const clock = { now: 0 };
  const cached = cacheEstimates(store, {
    ttlMs,
    now: () => clock.now,
    onHit: () => counts.hits++,
    onMiss: () => counts.misses++,
  });
  const user = await store.findUserByName('demo');
  if (!user) throw new Error('the demo user was not seeded');
  const add = (s: Store, title: string) =>
    s.createEstimate(user.id, title, [{ description: 'x', quantity: 1, unitPriceCents: 100 }]);
  const titles = async () => (await cached.listEstimates(user.id)).map((e) => e.title);
  return { store, cached, counts, clock, userId: user.id, add, titles };
}

describe('estimates cache', () => {
  it('serves a list until its TTL runs out, then reads the database again', async () => {
    const { store, counts, clock, add, titles } = await setup(1000);
    expect(await titles()).toEqual([]);
    // Written behind the cache's back, as another demo on the same database would.
    await add(store, 'Elsewhere');
    clock.now = 999;
    expect(await titles()).toEqual([]);
    expect(counts).toEqual({ hits: 1, misses: 1 });
    clock.now = 1000;
    expect(await titles()).toEqual(['Elsewhere']);
    expect(counts).toEqual({ hits: 1, misses: 2 });
  });

  it("drops a user's list on that user's writes, deletes included", async () => {
    const { cached, counts, userId, add, titles } = await setup();
    expect(await titles()).toEqual([]);
    const created = await add(cached, 'Mine');
    expect(await titles()).toEqual(['Mine']);
    expect(await cached.deleteEstimate(userId, created.id)).toBe(true);
    expect(await titles()).toEqual([]);
    expect(counts).toEqual({ hits: 0, misses: 3 });
  });

  it('does not keep a list read before a write that finished while the read was in flight', async () => {
    const { store, counts, userId, add } = await setup();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The real store, its list read held at the gate until the write below is done.
    const slow: Store = {
      ...store,
      async listEstimates(id) {
        const list = await store.listEstimates(id);
        await gate;
        return list;
      },
    };
    const cached = cacheEstimates(slow, { onHit: () => counts.hits++, onMiss: () => counts.misses++ });
    const stale: Promise<EstimateSummary[]> = cached.listEstimates(userId);
    await add(cached, 'Fresh');
    release();
    await stale;
    // Stored, that list would be a hit here (whatever it held); dropped, this read is a miss.
    expect((await cached.listEstimates(userId)).map((e) => e.title)).toEqual(['Fresh']);
    expect(counts).toEqual({ hits: 0, misses: 2 });
  });

  it('returns copies, so a caller cannot change what the next reader gets', async () => {
    const { cached, userId, add } = await setup();
    await add(cached, 'One');
    const first = await cached.listEstimates(userId);
    first.pop();
    expect((await cached.listEstimates(userId)).map((e) => e.title)).toEqual(['One']);
  });
});
