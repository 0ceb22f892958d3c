import { hostname } from 'node:os';
import { parseServerUrl } from './connection.ts';
import { dropMysqlScratch, mysqlAdmin } from './scratch-mariadb.ts';
import {
  MARKER_TABLE,
  parseMarker,
  RESTORE_ROLE_PREFIX,
  SCRATCH_PREFIX,
  type ScratchMarker,
  sweepDecision,
} from './scratch-marker.ts';
import { dropPgScratch, pgAdminClient } from './scratch-postgres.ts';
import { quoteMysqlIdent } from './take-mariadb.ts';

export interface SweepOptions {
  /** Admin URL of a PostgreSQL server to sweep. */
  postgresUrl?: string;
  /** Admin URL of a MariaDB server to sweep. */
  mysqlUrl?: string;
  /** Only scratch databases older than this (default one hour). */
  olderThanMs?: number;
  now?: Date;
}

export interface SweepResult {
  dropped: string[];
  kept: { name: string; why: string }[];
}

const LIKE_PREFIX = (prefix: string) => `${prefix.replaceAll('_', '\\_')}%`;

/**
 * Drops scratch databases left behind by runs that died (SIGKILL, power loss): only those carrying
 * the rollgate marker, older than `olderThanMs`, created on this host by a process that is gone.
 * Everything else with the prefix is kept and listed with the reason.
 */
export async function sweepScratch(opts: SweepOptions = {}): Promise<SweepResult> {
  const decide = (marker: ScratchMarker | undefined) =>
    sweepDecision(marker, {
      now: opts.now ?? new Date(),
      olderThanMs: opts.olderThanMs ?? 3600e3,
      host: hostname(),
    });
  const result: SweepResult = { dropped: [], kept: [] };
  if (opts.postgresUrl) await sweepPostgres(opts.postgresUrl, decide, result);
  if (opts.mysqlUrl) await sweepMysql(opts.mysqlUrl, decide, result);
  return result;
}

type Decide = (m: ScratchMarker | undefined) => { drop: true } | { drop: false; why: string };

async function sweepPostgres(url: string, decide: Decide, result: SweepResult): Promise<void> {
  const admin = parseServerUrl(url);
  const client = await pgAdminClient(admin);
  let rows: { name: string; marker: string | null; kind: 'database' | 'role' }[];
  try {
    const dbs = await client.query(
      `SELECT datname AS name, shobj_description(oid, 'pg_database') AS marker FROM pg_database WHERE datname LIKE $1`,
      [LIKE_PREFIX(SCRATCH_PREFIX)],
    );
    const roles = await client.query(
      `SELECT rolname AS name, shobj_description(oid, 'pg_authid') AS marker FROM pg_roles WHERE rolname LIKE $1`,
      [LIKE_PREFIX(RESTORE_ROLE_PREFIX)],
    );
    rows = [
      ...dbs.rows.map((r) => ({ ...r, kind: 'database' as const })),
      ...roles.rows.map((r) => ({ ...r, kind: 'role' as const })),
    ];
  } finally {
    await client.end().catch(() => {});
  }
  const done = new Set<string>();
  for (const row of rows) {
    const id = row.name.slice((row.kind === 'database' ? SCRATCH_PREFIX : RESTORE_ROLE_PREFIX).length);
    if (done.has(id)) continue;
    const verdict = decide(parseMarker(row.marker));
    if (!verdict.drop) {
      result.kept.push({ name: row.name, why: verdict.why });
      continue;
    }
    // The database and its role share the id; both go together.
    await dropPgScratch(admin, SCRATCH_PREFIX + id, RESTORE_ROLE_PREFIX + id);
    done.add(id);
    result.dropped.push(SCRATCH_PREFIX + id);
  }
}

async function sweepMysql(url: string, decide: Decide, result: SweepResult): Promise<void> {
  const admin = parseServerUrl(url);
  const conn = await mysqlAdmin(admin);
  const found: { name: string; marker?: ScratchMarker }[] = [];
  try {
    const [schemas] = await conn.query(
      'SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?',
      [LIKE_PREFIX(SCRATCH_PREFIX)],
    );
    for (const { name } of schemas as { name: string }[]) {
      try {
        const [rows] = await conn.query(`SELECT * FROM ${quoteMysqlIdent(name)}.${MARKER_TABLE} LIMIT 1`);
        const r = (rows as { run_id: string; pid: number; host: string; created_at: string }[])[0];
        found.push({
          name,
          marker:
            r &&
            parseMarker(`rollgate-scratch run=${r.run_id} pid=${r.pid} host=${r.host} at=${r.created_at}`),
        });
      } catch {
        found.push({ name });
      }
    }
  } finally {
    await conn.end().catch(() => {});
  }
  for (const { name, marker } of found) {
    const verdict = decide(marker);
    if (!verdict.drop) {
      result.kept.push({ name, why: verdict.why });
      continue;
    }
    await dropMysqlScratch(admin, name, RESTORE_ROLE_PREFIX + name.slice(SCRATCH_PREFIX.length));
    result.dropped.push(name);
  }
}
