/**
 * The demo's data layer: one async interface, whatever the engine behind it. Routes depend on
 * this, never on Kysely or a driver, so adding PostgreSQL or MariaDB touches `db/` only.
 */

export type Engine = 'sqlite' | 'postgres' | 'mysql';

export interface UserRecord {
  id: number;
  username: string;
  passwordHash: string;
}

export interface SessionRecord {
  /** The raw session id, as sent in the cookie (the database stores only its SHA-256). */
  id: string;
  userId: number;
  username: string;
  expiresAt: Date;
}

export interface NewLineItem {
  description: string;
  /** Whole units. */
  quantity: number;
  /** Integer cents: money is never a float here. */
  unitPriceCents: number;
}

export interface EstimateSummary {
  id: number;
  title: string;
  createdAt: string;
  itemCount: number;
  /** Sum of quantity × unit price over the line items, in integer cents. */
  totalCents: number;
}

export interface StoreInfo {
  engine: Engine;
  /** SQLite only: the journal mode the database file is actually in (`wal` expected). */
  journalMode?: string;
  /** False for anything that dies with the process (only the `memory-db` fault opens one). */
  persistent: boolean;
  /** SQLite only: the database file, absolute (telemetry reports its size). */
  file?: string;
}

export interface Store {
  findUserByName(username: string): Promise<UserRecord | undefined>;
  createSession(userId: number, ttlMs?: number): Promise<SessionRecord>;
  /** Undefined when unknown or expired. */
  getSession(id: string): Promise<SessionRecord | undefined>;
  deleteSession(id: string): Promise<void>;
  createEstimate(userId: number, title: string, items: readonly NewLineItem[]): Promise<EstimateSummary>;
  /** Newest first. */
  listEstimates(userId: number): Promise<EstimateSummary[]>;
  /** Deletes one of the user's estimates with its line items; false when it is not theirs or gone. */
  deleteEstimate(userId: number, id: number): Promise<boolean>;
  /** Runs a real query against the schema; rejects when the database cannot answer. */
  ping(): Promise<void>;
  info(): StoreInfo;
  /**
   * Database handles or connections the app holds busy right now: checked out of the pool (or the
   * one SQLite handle while open) plus every stray connection. Synchronous and cheap: a metrics
   * scrape reads it.
   */
  connectionsInUse(): number;
  /**
   * Opens one more real connection outside the pool, runs a query on it and keeps it open until
   * {@link Store.close}: the bug the `connection-leak` fault injects. Rejects when the database
   * refuses the connection (too many open, file gone…).
   */
  openStrayConnection(): Promise<void>;
  /** Closes the stray connections, then the pool or handle. */
  close(): Promise<void>;
}

export const DEFAULT_SESSION_TTL_MS = 8 * 60 * 60 * 1000;

export const DEMO_USER = { username: 'demo', password: 'demo-password' } as const;
