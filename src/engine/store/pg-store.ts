import pg from 'pg';
import type { z } from 'zod';
import { RollgateError } from '../../config/errors.ts';
import { BackupRecord } from '../../model/backup-record.ts';
import { Signoff, Waiver } from '../../model/governance.ts';
import { LedgerEntry } from '../../model/ledger-entry.ts';
import type { Store } from './store.ts';

/** Serializes table creation across concurrent gates: CREATE TABLE IF NOT EXISTS races on pg_type. */
const SCHEMA_LOCK = 0x726f6c6c; // 'roll'

const SCHEMA = `
CREATE TABLE IF NOT EXISTS rollgate_ledger (
  id bigserial PRIMARY KEY, runbook text NOT NULL, stage text NOT NULL, release text NOT NULL,
  verdict text NOT NULL, run_id text NOT NULL UNIQUE, entry jsonb NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS rollgate_signoffs (
  id bigserial PRIMARY KEY, runbook text NOT NULL, stage text NOT NULL, release text NOT NULL, entry jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS rollgate_waivers (
  id bigserial PRIMARY KEY, runbook text NOT NULL, stage text NOT NULL, release text NOT NULL, entry jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS rollgate_backups (
  id bigserial PRIMARY KEY, file text NOT NULL, manifest_sha256 text NOT NULL, entry jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX IF NOT EXISTS rollgate_backups_file ON rollgate_backups (file);`;

/** The shared store: PostgreSQL tables, so CI jobs on different machines share one history. */
export async function pgStore(url: string, masked: string): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 10_000 });
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
    await client.query(SCHEMA);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
  const rows = async <T>(sql: string, params: unknown[], parse: (v: unknown) => T) =>
    (await pool.query<{ entry: unknown }>(sql, params)).rows.map((r) => parse(r.entry));
  return {
    description: masked,
    async appendLedger(e) {
      await pool.query(
        'INSERT INTO rollgate_ledger (runbook, stage, release, verdict, run_id, entry) VALUES ($1,$2,$3,$4,$5,$6)',
        [e.runbook, e.stage, e.release, e.verdict, e.runId, JSON.stringify(e)],
      );
    },
    ledger: (runbook) =>
      rows('SELECT entry FROM rollgate_ledger WHERE runbook = $1 ORDER BY id', [runbook], (v) =>
        LedgerEntry.parse(v),
      ),
    async addSignoff(s) {
      await pool.query(
        'INSERT INTO rollgate_signoffs (runbook, stage, release, entry) VALUES ($1,$2,$3,$4)',
        [s.runbook, s.stage, s.release, JSON.stringify(s)],
      );
    },
    signoffs: (rb, stage, release) =>
      rows(
        'SELECT entry FROM rollgate_signoffs WHERE runbook=$1 AND stage=$2 AND release=$3 ORDER BY id',
        [rb, stage, release],
        (v) => Signoff.parse(v),
      ),
    async addWaiver(w) {
      await pool.query('INSERT INTO rollgate_waivers (runbook, stage, release, entry) VALUES ($1,$2,$3,$4)', [
        w.runbook,
        w.stage,
        w.release,
        JSON.stringify(w),
      ]);
    },
    waivers: (rb, stage, release) =>
      rows(
        'SELECT entry FROM rollgate_waivers WHERE runbook=$1 AND stage=$2 AND release=$3 ORDER BY id',
        [rb, stage, release],
        (v) => Waiver.parse(v),
      ),
    async verify() {
      // Every row of every table parsed before anything runs; JSONB rows are never torn.
      for (const [table, schema] of [
        ['rollgate_ledger', LedgerEntry],
        ['rollgate_signoffs', Signoff],
        ['rollgate_waivers', Waiver],
        ['rollgate_backups', BackupRecord],
      ] as const) {
        const { rows: all } = await pool.query<{ id: string; entry: unknown }>(
          `SELECT id, entry FROM ${table} ORDER BY id`,
        );
        for (const r of all) {
          const valid = (schema as z.ZodType).safeParse(r.entry);
          if (!valid.success) {
            const issue = valid.error.issues[0];
            throw new RollgateError(
              'ROLLGATE_STORE_CORRUPT',
              `${masked} table ${table} row id ${r.id}: not a valid entry (${issue?.path.join('.') || '(root)'}: ${issue?.message}). Nothing was run: repair or delete that row, then run again.`,
            );
          }
        }
      }
      return [];
    },
    async recordBackup(r) {
      await pool.query('INSERT INTO rollgate_backups (file, manifest_sha256, entry) VALUES ($1,$2,$3)', [
        r.file,
        r.manifestSha256,
        JSON.stringify(r),
      ]);
    },
    backupRecords: (file) =>
      rows('SELECT entry FROM rollgate_backups WHERE file = $1 ORDER BY id', [file], (v) =>
        BackupRecord.parse(v),
      ),
    backupLog: `${masked} table rollgate_backups`,
    close: () => pool.end(),
  };
}
