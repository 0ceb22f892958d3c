import mysql from 'mysql2/promise';
import pg from 'pg';
import { mysqlClientConfig, parseServerUrl, pgClientConfig } from './connection.ts';
import {
  type ContentDigests,
  compareDigests,
  compareInventory,
  INVENTORY_KINDS,
  type SchemaInventory,
} from './inventory.ts';
import { mysqlCanonicalSession, mysqlDigests, mysqlInventory } from './inventory-mariadb.ts';
import { pgCanonicalSession, pgDigests, pgInventory } from './inventory-postgres.ts';
import { sqliteDigests, sqliteInventory } from './inventory-sqlite.ts';
import type { BackupManifest } from './manifest.ts';
import { type CheckOutcome, OutcomeBuilder } from './outcome.ts';
import type { Scratch } from './scratch.ts';
import { Database } from './sqlite-driver.ts';

interface Observed {
  inventory: SchemaInventory;
  digests: ContentDigests;
}

/** Tables the manifest digested that the restore has: a missing one is the inventory's finding. */
const digestable = (manifest: BackupManifest, inv: SchemaInventory) =>
  Object.keys(manifest.contentDigests ?? {}).filter((t) => t in inv.tables);

async function observeSqlite(scratch: Scratch, manifest: BackupManifest): Promise<Observed> {
  const db = new Database(scratch.name, { fileMustExist: true, readonly: true });
  try {
    const inventory = sqliteInventory(db);
    const all = sqliteDigests(db);
    const digests = Object.fromEntries(digestable(manifest, inventory).map((t) => [t, all[t]!]));
    return { inventory, digests };
  } finally {
    db.close();
  }
}

async function observePostgres(scratch: Scratch, manifest: BackupManifest): Promise<Observed> {
  const client = new pg.Client(pgClientConfig(parseServerUrl(scratch.url)));
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await pgCanonicalSession(client);
    const inventory = await pgInventory(client);
    const digests = await pgDigests(client, digestable(manifest, inventory));
    await client.query('ROLLBACK');
    return { inventory, digests };
  } finally {
    await client.end().catch(() => {});
  }
}

async function observeMariadb(scratch: Scratch, manifest: BackupManifest): Promise<Observed> {
  const target = parseServerUrl(scratch.url);
  const conn = await mysql.createConnection(mysqlClientConfig(target));
  conn.on('error', () => {});
  try {
    await mysqlCanonicalSession(conn);
    await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    const inventory = await mysqlInventory(conn, target.database);
    const digests = await mysqlDigests(conn, target.database, digestable(manifest, inventory));
    await conn.query('ROLLBACK');
    return { inventory, digests };
  } finally {
    await conn.end().catch(() => {});
  }
}

/**
 * Compares a restored copy with what its manifest recorded at the consistent point: the schema
 * inventory (tables, columns, indexes, constraints, sequences, views, triggers) and each table's
 * content digest. Every difference names its table and what differs. Row counts are the
 * verifier's; this goes beyond them (same counts, other rows). A version 1 manifest records
 * neither, which passes and says that only row counts were compared.
 */
export async function checkRestoredContent(
  manifest: BackupManifest,
  scratch: Scratch,
): Promise<CheckOutcome> {
  const out = new OutcomeBuilder();
  if (!manifest.inventory || !manifest.contentDigests) {
    return {
      ok: true,
      status: 'passed',
      reason: `manifest version ${manifest.manifestVersion} records no schema inventory or content digests: only row counts were compared`,
      measurements: [],
      durationMs: 0,
      notes: [],
    };
  }
  let seen: Observed;
  try {
    seen =
      scratch.engine === 'sqlite'
        ? await observeSqlite(scratch, manifest)
        : scratch.engine === 'postgres'
          ? await observePostgres(scratch, manifest)
          : await observeMariadb(scratch, manifest);
  } catch (error) {
    out.error(`cannot read the restored copy ${scratch.name}: ${(error as Error).message}`);
    return out.finish('');
  }
  const schema = compareInventory(manifest.inventory, seen.inventory);
  const more = schema.length > 6 ? ` (+${schema.length - 6} more)` : '';
  out.measure(
    { name: 'schema-differences', operator: '==', expected: 0 },
    schema.length,
    `schema differs from the manifest: ${schema.slice(0, 6).join('; ')}${more}`,
  );
  const content = compareDigests(manifest.contentDigests, seen.digests);
  out.measure(
    { name: 'tables-with-other-content', operator: '==', expected: 0 },
    content.length,
    content.join('; '),
  );
  const objects = INVENTORY_KINDS.reduce((n, k) => n + Object.keys(manifest.inventory![k]).length, 0);
  return out.finish(
    `schema (${objects} objects) and content of ${Object.keys(manifest.contentDigests).length} table(s) match the manifest`,
  );
}
