/** A restored copy the verifier made: a scratch database (server engines) or a temporary file (SQLite). */
export interface Scratch {
  engine: 'sqlite' | 'postgres' | 'mysql' | 'files';
  /** Scratch database / schema name, the temporary file for SQLite, or the folder a directory backup was extracted into. */
  name: string;
  /**
   * URL of the restored data as the restricted restore role, for an app to boot on (the DR drill).
   * It carries a throwaway password for that role: mask it like any credential.
   */
  url: string;
  /** Drops the scratch database and its role (idempotent). Registered for SIGINT/SIGTERM until called. */
  drop(): Promise<void>;
}
