import type { ContentDigests, SchemaInventory } from './inventory.ts';
import type { FileEntry } from './manifest.ts';

/** What an engine's backup step reports, beside the file it wrote. */
export interface TakeResult {
  /** At or just before the snapshot the backup holds. */
  consistentAt: Date;
  consistency: string;
  tables: Record<string, number>;
  /** Schema at the consistent point (same snapshot as `tables`); databases only. */
  inventory?: SchemaInventory;
  /** Per-table content digests of the same snapshot; databases only. */
  contentDigests?: ContentDigests;
  /** A directory backup's entries, read back from the archive as written. */
  files?: FileEntry[];
  tool: string;
  source: { database: string; host?: string };
}
