import { z } from 'zod';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * What the store keeps of each backup when it is taken: the digest of its manifest's bytes. A
 * manifest cannot vouch for itself (whoever replaces a backup can rewrite its manifest too); the
 * drill checks the manifest it reads against this record, kept where the ledger is.
 */
export const BackupRecord = z.strictObject({
  /** Backup file (or folder) name, without its folder: the manifest's `file`. */
  file: z.string().min(1),
  /** sha256 of the manifest file's bytes, as written. */
  manifestSha256: Sha256,
  /** The backup's own sha256, as its manifest says (for people reading the store). */
  sha256: Sha256,
  engine: z.string().min(1),
  format: z.string().min(1),
  consistentAt: z.iso.datetime(),
  /** Database name and host; never credentials. */
  source: z.strictObject({ database: z.string(), host: z.string().optional() }),
  /** Folder the backup was written to, absolute. */
  dir: z.string().min(1),
  recordedAt: z.iso.datetime(),
  rollgateVersion: z.string().min(1),
});
export type BackupRecord = z.infer<typeof BackupRecord>;
