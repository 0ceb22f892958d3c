import type pg from 'pg';
import {
  type ContentDigests,
  emptyInventory,
  type SchemaInventory,
  squash,
  TableDigest,
} from './inventory.ts';
import { quoteIdent } from './scratch-postgres.ts';

/** `public.t` is `t`; other schemas keep their name: `billing.invoices`. */
export function pgTableKey(schema: string, table: string): string {
  return schema === 'public' ? table : `${schema}.${table}`;
}

/** `t` → `"public"."t"`, `s.t` → `"s"."t"` (table keys never contain a dot in their parts here). */
export function pgQualified(key: string): string {
  const dot = key.indexOf('.');
  return dot < 0
    ? `${quoteIdent('public')}.${quoteIdent(key)}`
    : `${quoteIdent(key.slice(0, dot))}.${quoteIdent(key.slice(dot + 1))}`;
}

/** User schemas only, and nothing an extension created (a restore recreates those by CREATE EXTENSION). */
const USER_REL = `n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname !~ '^pg_(toast|temp)'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')`;

/**
 * Session settings that decide how definitions and row text are printed. With `search_path` set to
 * pg_catalog alone every user object prints schema-qualified, so the source (any user) and the
 * scratch copy (the restore role, whose `$user` schema differs) print alike. Must run inside the
 * transaction (SET LOCAL), which is read only: settings are not writes.
 */
export async function pgCanonicalSession(client: pg.Client): Promise<void> {
  await client.query(
    `SET LOCAL search_path = pg_catalog; SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD';
     SET LOCAL IntervalStyle = 'postgres'; SET LOCAL extra_float_digits = 3; SET LOCAL bytea_output = 'hex'`,
  );
}

type Row = Record<string, string | boolean | number | null>;

async function rows(client: pg.Client, sql: string): Promise<Row[]> {
  return (await client.query<Row>(sql)).rows;
}

/**
 * The schema of the connected database, read in the caller's transaction (the backup's snapshot,
 * or the restored scratch database). Call `pgCanonicalSession` first.
 */
export async function pgInventory(client: pg.Client): Promise<SchemaInventory> {
  const inv = emptyInventory();
  const key = (r: Row) => pgTableKey(String(r.nspname), String(r.relname));
  for (const r of await rows(
    client,
    `SELECT n.nspname, c.relname, c.relkind, c.relpersistence FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') AND ${USER_REL}`,
  ))
    inv.tables[key(r)] =
      `${r.relkind === 'p' ? 'partitioned table' : 'table'}${r.relpersistence === 'u' ? ' unlogged' : ''}`;
  for (const r of await rows(
    client,
    `SELECT n.nspname, c.relname, a.attname, row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum) AS pos,
            format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull, a.attidentity, a.attgenerated,
            pg_get_expr(ad.adbin, ad.adrelid) AS def,
            CASE WHEN a.attcollation <> t.typcollation THEN co.collname END AS coll
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_collation co ON co.oid = a.attcollation
     LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
     WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND ${USER_REL}`,
  )) {
    const parts = [`#${r.pos}`, String(r.type)];
    if (r.coll) parts.push(`collate ${r.coll}`);
    if (r.attnotnull) parts.push('not null');
    if (r.attidentity) parts.push(`identity ${r.attidentity === 'a' ? 'always' : 'by default'}`);
    if (r.def !== null) parts.push(`${r.attgenerated ? 'generated as' : 'default'} ${r.def}`);
    inv.columns[`${key(r)}.${r.attname}`] = parts.join(' ');
  }
  for (const r of await rows(
    client,
    `SELECT n.nspname, c.relname, i.relname AS name, pg_get_indexdef(i.oid) AS def
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'm') AND ${USER_REL}`,
  ))
    inv.indexes[`${key(r)}.${r.name}`] = String(r.def);
  for (const r of await rows(
    client,
    `SELECT n.nspname, c.relname, con.conname AS name, pg_get_constraintdef(con.oid) AS def
     FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE ${USER_REL}`,
  ))
    inv.constraints[`${key(r)}.${r.name}`] = String(r.def);
  // Where a sequence stands is not recorded: it moves outside transactions, so no snapshot fixes it.
  for (const r of await rows(
    client,
    `SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL) AS type, s.seqstart, s.seqincrement,
            s.seqmin, s.seqmax, s.seqcycle
     FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE ${USER_REL}`,
  ))
    inv.sequences[key(r)] =
      `${r.type} start ${r.seqstart} increment ${r.seqincrement} min ${r.seqmin} max ${r.seqmax}${r.seqcycle ? ' cycle' : ''}`;
  for (const r of await rows(
    client,
    `SELECT n.nspname, c.relname, c.relkind, pg_get_viewdef(c.oid) AS def
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('v', 'm') AND ${USER_REL}`,
  ))
    inv.views[key(r)] = `${r.relkind === 'm' ? 'materialized view' : 'view'}: ${squash(String(r.def))}`;
  for (const r of await rows(
    client,
    `SELECT n.nspname, c.relname, t.tgname AS name, pg_get_triggerdef(t.oid) AS def
     FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE NOT t.tgisinternal AND ${USER_REL}`,
  ))
    inv.triggers[`${key(r)}.${r.name}`] = String(r.def);
  return inv;
}

/**
 * Content digest of each table: every row as PostgreSQL's own text of the row (`t::text`, printed
 * under `pgCanonicalSession`), ordered bytewise (COLLATE "C"), read through a cursor so a large
 * table is never held in memory. Runs in the caller's transaction.
 */
export async function pgDigests(client: pg.Client, tables: string[]): Promise<ContentDigests> {
  const out: ContentDigests = {};
  for (const table of tables) {
    const digest = new TableDigest();
    await client.query(
      `DECLARE rollgate_digest NO SCROLL CURSOR FOR SELECT t::text AS r FROM ${pgQualified(table)} t ORDER BY t::text COLLATE "C"`,
    );
    try {
      for (;;) {
        const { rows: batch } = await client.query<{ r: string }>('FETCH 2000 FROM rollgate_digest');
        for (const row of batch) digest.add([row.r]);
        if (batch.length < 2000) break;
      }
    } finally {
      await client.query('CLOSE rollgate_digest');
    }
    out[table] = digest.finish();
  }
  return out;
}
