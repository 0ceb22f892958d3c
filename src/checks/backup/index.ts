/**
 * Backups: take them (with a manifest), judge the backup process (hygiene), and prove a backup
 * restorable (verifiers), on SQLite, PostgreSQL and MariaDB. Every check returns a value
 * (`CheckOutcome`); `assertOutcome` turns it into a check status inside a runbook suite.
 */
export { pendingCleanups, registerCleanup, runScratchCleanups } from './cleanup-registry.ts';
export { parseServerUrl, type ServerTarget } from './connection.ts';
export { type Digest, digestPath } from './digest.ts';
export { backupHygiene, type HygieneOptions, type HygieneResult } from './hygiene.ts';
export { type BackupEntry, type BackupListing, globToRegExp, listBackups } from './list-backups.ts';
export {
  BackupEngine,
  BackupFormat,
  BackupManifest,
  manifestPathFor,
  readManifest,
  writeManifest,
} from './manifest.ts';
export { assertOutcome, type CheckOutcome, type OutcomeStatus } from './outcome.ts';
export type { Scratch } from './scratch.ts';
export { markerText, parseMarker, RESTORE_ROLE_PREFIX, SCRATCH_PREFIX } from './scratch-marker.ts';
export { type SweepOptions, type SweepResult, sweepScratch } from './sweep.ts';
export {
  backupStamp,
  EXTENSION,
  type TakeBackupOptions,
  type TakenBackup,
  takeBackup,
} from './take-backup.ts';
export { sniffFormat, verifyBackup } from './verify-backup.ts';
export { Invariant, type VerifyOptions, type VerifyResult } from './verify-common.ts';
export { verifyMariadbBackup } from './verify-mariadb.ts';
export { verifyPostgresBackup } from './verify-postgres.ts';
export { verifySqliteBackup } from './verify-sqlite.ts';
