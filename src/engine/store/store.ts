import type { BackupRecord } from '../../model/backup-record.ts';
import type { Signoff, Waiver } from '../../model/governance.ts';
import type { LedgerEntry } from '../../model/ledger-entry.ts';

/**
 * Where the history lives: ledger, sign-offs and waivers, in one place. Append-only: nothing is
 * ever rewritten, so the history a verdict was based on can be read again later.
 */
export interface Store {
  readonly description: string;
  appendLedger(entry: LedgerEntry): Promise<void>;
  /** Ledger entries of one runbook, oldest first. */
  ledger(runbook: string): Promise<LedgerEntry[]>;
  addSignoff(s: Signoff): Promise<void>;
  signoffs(runbook: string, stage: string, release: string): Promise<Signoff[]>;
  addWaiver(w: Waiver): Promise<void>;
  waivers(runbook: string, stage: string, release: string): Promise<Waiver[]>;
  /**
   * Reads every entry of every part of the store and returns warnings (torn lines skipped).
   * Corruption throws `ROLLGATE_STORE_CORRUPT` naming where: called before anything runs.
   */
  verify(): Promise<string[]>;
  /** Records a backup when it is taken (its manifest's digest); the drill checks manifests against it. */
  recordBackup(r: BackupRecord): Promise<void>;
  /** Records of backups with this file name, oldest first. */
  backupRecords(file: string): Promise<BackupRecord[]>;
  /** Where backup records live, for messages: a file path or a masked URL and table. */
  readonly backupLog: string;
  close(): Promise<void>;
}
