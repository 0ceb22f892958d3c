import type { ContentDigests, SchemaInventory } from './inventory.ts';

/** What an engine's backup step reports, beside the file it wrote. */
export interface TakeResult {
  /** At or just before the snapshot the backup holds. */
  consistentAt: Date;
  consistency: string;
  tables: Record<string, number>;
  /** Schema at the consistent point (same snapshot as `tables`). */
  inventory: SchemaInventory;
  /** Per-table content digests of the same snapshot. */
  contentDigests: ContentDigests;
  tool: string;
  source: { database: string; host?: string };
}
