import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkTimeEvidence } from './backup-time.ts';
import { registerCleanup } from './cleanup-registry.ts';
import { copyWithDigest, digestInWorker } from './digest.ts';
import type { BackupManifest } from './manifest.ts';
import { OutcomeBuilder, withBudget } from './outcome.ts';
import type { Scratch } from './scratch.ts';
import { singleFlight } from './single-flight.ts';
import { Database, isSqliteDriverMissing } from './sqlite-driver.ts';
import {
  appendOutcome,
  checkBackupBytes,
  checkInvariants,
  checkRowCounts,
  loadManifest,
  type VerifyOptions,
  type VerifyResult,
} from './verify-common.ts';

const MAGIC = 'SQLite format 3\0';

/** The first `length` bytes of a file. */
async function firstBytes(path: string, length: number): Promise<Buffer> {
  const fd = await open(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fd.read(buf, 0, length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fd.close();
  }
}

async function header(path: string): Promise<string> {
  return (await firstBytes(path, 16)).toString('latin1');
}

/**
 * Whether a read-only open of the backup itself writes nothing: a SQLite file in rollback-journal
 * mode (header bytes 18-19 are 1, as rollgate's backups are), with no -wal, -shm or -journal
 * beside it (SQLite would read or need to replay one). A WAL-mode file is not: even a read-only
 * open of one writes a -shm.
 */
async function readableInPlace(path: string): Promise<boolean> {
  const head = await firstBytes(path, 20).catch(() => undefined);
  if (!head || head.length < 20 || head.subarray(0, 16).toString('latin1') !== MAGIC) return false;
  if (head[18] !== 1 || head[19] !== 1) return false;
  return !['-wal', '-shm', '-journal'].some((suffix) => existsSync(`${path}${suffix}`));
}

/** integrity_check's findings on one line; its "*** in database main ***" headings say nothing. */
function firstLines(rows: string[]): string {
  const lines = rows.flatMap((r) => r.split('\n')).filter((l) => l.trim() !== '' && !l.startsWith('***'));
  const more = lines.length > 3 ? ` (+${lines.length - 3} more)` : '';
  return lines.slice(0, 3).join(' | ') + more;
}

/** integrity_check, foreign_key_check, row counts and invariants on an open copy. */
async function checkCopy(
  out: OutcomeBuilder,
  db: Database.Database,
  manifest: BackupManifest | undefined,
  opts: VerifyOptions,
  signal: AbortSignal,
): Promise<void> {
  const integrity = { name: 'integrity-check', operator: '==' as const, expected: 'ok' };
  // Row by row: when SQLite gives up part-way ("database disk image is malformed"), the problems
  // it reported before that still name the page.
  const lines: string[] = [];
  let unreadable = false;
  try {
    for (const line of db.prepare('PRAGMA integrity_check').pluck().iterate()) lines.push(String(line));
  } catch (error) {
    lines.push((error as Error).message);
    unreadable = true;
  }
  const actual = lines.length === 1 && lines[0] === 'ok' ? 'ok' : firstLines(lines);
  out.measure(integrity, actual, `integrity_check: ${actual}`);
  // A file SQLite cannot read through has nothing more to say: keys and counts would only repeat it.
  if (unreadable) return;
  signal.throwIfAborted();
  try {
    const rows = db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
    const first = rows[0];
    out.measure(
      { name: 'foreign-key-violations', operator: '==', expected: 0 },
      rows.length,
      `foreign_key_check: ${rows.length} violation(s), first: table ${first?.table} row ${first?.rowid} references a missing ${first?.parent}`,
    );
  } catch (error) {
    out.measure(
      { name: 'foreign-key-violations', operator: '==', expected: 0 },
      null,
      `foreign_key_check: ${(error as Error).message}`,
    );
  }
  signal.throwIfAborted();
  let tables: Set<string>;
  try {
    tables = new Set(
      db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all() as string[],
    );
  } catch (error) {
    out.fail(`row counts: cannot list the tables: ${(error as Error).message}`);
    return;
  }
  await checkRowCounts(out, manifest, async (t) =>
    tables.has(t)
      ? Number(
          db
            .prepare(`SELECT count(*) FROM "${t.replaceAll('"', '""')}"`)
            .pluck()
            .get(),
        )
      : undefined,
  );
  await checkInvariants(out, opts.invariants, async (sql) => {
    const stmt = db.prepare(sql);
    // Invariants observe; a statement that writes is refused even on the copy.
    if (!stmt.readonly) throw new Error('not a read-only query');
    const row = stmt.raw().get() as unknown[] | undefined;
    return row ? { found: true, value: row[0] } : { found: false, value: undefined };
  });
}

/**
 * Verifies a SQLite backup, never writing to it. A rollback-journal file (rollgate's own backups)
 * is checked in place through a read-only connection while a worker thread hashes it. A WAL-mode
 * file is checked on a temporary copy (even a read-only open of one writes a -shm beside it),
 * read once: copied and hashed in one pass; a `-wal` beside it is copied too, as SQLite would
 * read it. The drill (`keepScratch`, `onScratch`) always gets a copy to boot the app on.
 */
export async function verifySqliteBackup(opts: VerifyOptions): Promise<VerifyResult> {
  const out = new OutcomeBuilder();
  const manifest = await loadManifest(out, opts);
  if (!opts.keepScratch && !opts.onScratch && (await readableInPlace(opts.backup)))
    return verifyInPlace(out, manifest, opts);
  const dir = await mkdtemp(join(opts.tmpDir ?? tmpdir(), 'rollgate-verify-'));
  const copy = join(dir, 'restored.sqlite');
  // Shared by the signal cleanup and this function: two removals at once must not race.
  const removeDir = singleFlight(() => rm(dir, { recursive: true, force: true }));
  const unregister = registerCleanup(`SQLite scratch copy ${dir}`, removeDir);
  let scratch: Scratch | undefined;
  try {
    await withBudget(out, opts.budgetMs, async (signal) => {
      if (!(await checkBackupBytes(out, opts.backup, manifest, copyWithDigest(opts.backup, copy)))) return;
      if (existsSync(`${opts.backup}-wal`)) {
        await copyFile(`${opts.backup}-wal`, `${copy}-wal`);
        out.notes.push('a -wal file beside the backup was copied with it');
      }
      // SQLite records no time of its own: only the file's times can contradict the manifest.
      if (manifest) await checkTimeEvidence(out, { backup: opts.backup, manifest, skewMs: opts.clockSkewMs });
      out.notes.push('checked on a temporary copy');
      const magic = await header(copy);
      if (magic !== MAGIC) {
        out.fail(`not an SQLite database: header is ${JSON.stringify(magic.slice(0, 15))}`);
        return;
      }
      let db: Database.Database;
      try {
        db = new Database(copy, { fileMustExist: true });
      } catch (error) {
        if (isSqliteDriverMissing(error)) throw error; // the environment, not the backup: errored
        out.fail(`cannot open as SQLite: ${(error as Error).message}`);
        return;
      }
      try {
        if (opts.onScratch) await opts.onScratch(sqliteScratch(copy, removeDir, unregister));
        await checkCopy(out, db, manifest, opts, signal);
      } finally {
        db.close();
      }
    });
    const tables = manifest ? Object.keys(manifest.tables).length : 0;
    const result = out.finish(`integrity ok, ${tables} table(s) match the manifest`);
    if (opts.keepScratch && result.ok) scratch = sqliteScratch(copy, removeDir, unregister);
    return { ...result, backup: opts.backup, format: 'sqlite', manifest, ...(scratch ? { scratch } : {}) };
  } finally {
    if (!scratch) {
      await removeDir();
      unregister();
    }
  }
}

/**
 * The backup checked where it is, read-only: integrity, keys, counts and invariants run on this
 * thread (better-sqlite3 is synchronous) while a worker hashes the file. Findings are reported in
 * the order of the copy path: checksum and size, time evidence, then what SQLite found.
 */
async function verifyInPlace(
  out: OutcomeBuilder,
  manifest: BackupManifest | undefined,
  opts: VerifyOptions,
): Promise<VerifyResult> {
  await withBudget(out, opts.budgetMs, async (signal) => {
    // Stopped with the verification: at the budget, or when checking throws.
    const stopHashing = new AbortController();
    const hashing = digestInWorker(opts.backup, AbortSignal.any([signal, stopHashing.signal]));
    hashing.catch(() => {}); // awaited below; an early throw must not leave it unhandled
    const found = new OutcomeBuilder();
    let driverMissing: unknown;
    try {
      let db: Database.Database | undefined;
      try {
        db = new Database(opts.backup, { readonly: true, fileMustExist: true });
      } catch (error) {
        if (isSqliteDriverMissing(error))
          driverMissing = error; // the environment, not the backup
        else found.fail(`cannot open as SQLite: ${(error as Error).message}`);
      }
      if (db) {
        try {
          await checkCopy(found, db, manifest, opts, signal);
        } finally {
          db.close();
        }
      }
    } catch (error) {
      stopHashing.abort();
      throw error;
    }
    if (!(await checkBackupBytes(out, opts.backup, manifest, hashing, signal))) return;
    if (manifest) await checkTimeEvidence(out, { backup: opts.backup, manifest, skewMs: opts.clockSkewMs });
    if (driverMissing) throw driverMissing;
    out.notes.push('checked in place, read-only (a rollback-journal file: nothing is written beside it)');
    appendOutcome(out, found);
  });
  const tables = manifest ? Object.keys(manifest.tables).length : 0;
  const result = out.finish(`integrity ok, ${tables} table(s) match the manifest`);
  return { ...result, backup: opts.backup, format: 'sqlite', manifest };
}

function sqliteScratch(copy: string, remove: () => Promise<void>, unregister: () => void): Scratch {
  return {
    engine: 'sqlite',
    name: copy,
    url: `sqlite:${copy}`,
    async drop() {
      await remove();
      unregister();
    },
  };
}
