/** What an engine's backup step reports, beside the file it wrote. */
export interface TakeResult {
  /** At or just before the snapshot the backup holds. */
  consistentAt: Date;
  consistency: string;
  tables: Record<string, number>;
  tool: string;
  source: { database: string; host?: string };
}
