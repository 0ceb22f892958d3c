import path from 'node:path';
import type { z } from 'zod';
import { BackupRecord } from '../../model/backup-record.ts';
import { Signoff, Waiver } from '../../model/governance.ts';
import { LedgerEntry } from '../../model/ledger-entry.ts';
import { appendJsonl, readJsonl } from './jsonl.ts';
import type { Store } from './store.ts';

/** Entries of a JSONL store; warnings about torn lines are reported once, by verify(). */
function read<T>(file: string, schema: z.ZodType<T>): T[] {
  return readJsonl(file, schema).entries;
}

/** The default store: JSONL files in the reports directory. */
export function fileStore(reportsDir: string): Store {
  const files = {
    ledger: path.join(reportsDir, 'ledger.jsonl'),
    signoffs: path.join(reportsDir, 'signoffs.jsonl'),
    waivers: path.join(reportsDir, 'waivers.jsonl'),
    backups: path.join(reportsDir, 'backups.jsonl'),
  };
  return {
    description: files.ledger,
    appendLedger: async (e) => appendJsonl(files.ledger, e),
    ledger: async (runbook) => read(files.ledger, LedgerEntry).filter((e) => e.runbook === runbook),
    addSignoff: async (s) => appendJsonl(files.signoffs, s),
    signoffs: async (rb, stage, release) =>
      read(files.signoffs, Signoff).filter(
        (s) => s.runbook === rb && s.stage === stage && s.release === release,
      ),
    addWaiver: async (w) => appendJsonl(files.waivers, w),
    waivers: async (rb, stage, release) =>
      read(files.waivers, Waiver).filter(
        (w) => w.runbook === rb && w.stage === stage && w.release === release,
      ),
    // Every file, read whole before anything runs: a corrupt line stops the gate here (exit 2).
    verify: async () =>
      [
        readJsonl(files.ledger, LedgerEntry),
        readJsonl(files.signoffs, Signoff),
        readJsonl(files.waivers, Waiver),
        readJsonl(files.backups, BackupRecord),
      ].flatMap((r) => r.warnings),
    recordBackup: async (r) => appendJsonl(files.backups, r),
    backupRecords: async (file) => read(files.backups, BackupRecord).filter((r) => r.file === file),
    backupLog: files.backups,
    close: async () => {},
  };
}
