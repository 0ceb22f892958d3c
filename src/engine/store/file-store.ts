import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { RollgateError } from '../../config/errors.ts';
import { BackupRecord } from '../../model/backup-record.ts';
import { Signoff, Waiver } from '../../model/governance.ts';
import { LedgerEntry } from '../../model/ledger-entry.ts';
import { appendJsonl, readJsonl } from './jsonl.ts';
import type { Store } from './store.ts';

/** Entries of a JSONL store; warnings about torn lines are reported once, by verify(). */
function read<T>(file: string, schema: z.ZodType<T>): T[] {
  return readJsonl(file, schema).entries;
}

function tryStat(file: string) {
  try {
    return statSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/**
 * Throws `ROLLGATE_STORE_UNAVAILABLE` unless the reports directory is, or can become, a writable
 * directory. Checked when the store opens, without creating anything: a file in its place would
 * otherwise surface only after the gate started, as a crash at the first run folder.
 */
export function assertReportsDir(reportsDir: string): void {
  const fix = 'set ROLLGATE_REPORTS_DIR to a directory rollgate may write, or remove what is in the way';
  let dir = reportsDir;
  // The nearest existing ancestor decides whether the directory can be created.
  for (;;) {
    // ENOTDIR (a file higher up) reads as "absent" here; the walk up reaches that file.
    const stat = tryStat(dir);
    if (stat) {
      if (!stat.isDirectory()) {
        const what = dir === reportsDir ? 'it' : dir;
        throw new RollgateError(
          'ROLLGATE_STORE_UNAVAILABLE',
          `reports directory ${reportsDir}: ${what} is not a directory, so no run or ledger can be written there; ${fix}.`,
        );
      }
      break;
    }
    dir = path.dirname(dir);
  }
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw new RollgateError(
      'ROLLGATE_STORE_UNAVAILABLE',
      `reports directory ${reportsDir}: ${dir} is not writable; ${fix}.`,
    );
  }
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
