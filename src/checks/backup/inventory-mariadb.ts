import type { Readable } from 'node:stream';
import type mysql from 'mysql2/promise';
import {
  type ContentDigests,
  emptyInventory,
  type SchemaInventory,
  squash,
  TableDigest,
} from './inventory.ts';
import { MARKER_TABLE } from './scratch-marker.ts';

const q = (name: string) => `\`${name.replaceAll('`', '``')}\``;

type Row = Record<string, string | number | null>;
/** A key's columns and, for a foreign key, what it references (the schema only when another). */
type KeyColumns = { cols: string[]; refs: string[]; refTable?: string; refSchema?: string };

const rows = async (conn: mysql.Connection, sql: string, params: unknown[]) =>
  (await conn.query(sql, params))[0] as Row[];

/**
 * Definitions name their own schema (`` `shop`.`orders` ``); a restore lands in a scratch schema
 * of another name, so that qualifier is dropped on both sides.
 */
function unqualify(text: string | null, schema: string): string {
  return squash(text).replaceAll(`${q(schema)}.`, '');
}

/**
 * Session settings for reading rows as the same bytes on the source and on a restore: TIMESTAMP
 * columns print in UTC, and sorting looks at whole values, not their first 1024 bytes.
 */
export async function mysqlCanonicalSession(conn: mysql.Connection): Promise<void> {
  await conn.query("SET SESSION time_zone = '+00:00', SESSION max_sort_length = 8388608");
}

/** The schema of `schema` from information_schema; DEFINERs and AUTO_INCREMENT positions left out. */
export async function mysqlInventory(conn: mysql.Connection, schema: string): Promise<SchemaInventory> {
  const inv = emptyInventory();
  for (const r of await rows(
    conn,
    "SELECT TABLE_NAME AS t, ENGINE AS e, TABLE_COLLATION AS c FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME <> ?",
    [schema, MARKER_TABLE],
  ))
    inv.tables[String(r.t)] = `engine ${r.e} collate ${r.c}`;
  const tables = new Set(Object.keys(inv.tables));
  for (const r of await rows(
    conn,
    `SELECT TABLE_NAME AS t, COLUMN_NAME AS c, ORDINAL_POSITION AS pos, COLUMN_TYPE AS type, IS_NULLABLE AS nullable,
            COLUMN_DEFAULT AS def, EXTRA AS extra, COLLATION_NAME AS coll, GENERATION_EXPRESSION AS gen
     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?`,
    [schema],
  )) {
    if (!tables.has(String(r.t))) continue;
    const parts = [`#${r.pos}`, String(r.type)];
    if (r.coll) parts.push(`collate ${r.coll}`);
    if (r.nullable === 'NO') parts.push('not null');
    if (r.def !== null) parts.push(`default ${r.def}`);
    if (r.extra) parts.push(String(r.extra).toLowerCase());
    if (r.gen) parts.push(`as ${unqualify(String(r.gen), schema)}`);
    inv.columns[`${r.t}.${r.c}`] = parts.join(' ');
  }
  const indexes = new Map<string, string[]>();
  for (const r of await rows(
    conn,
    `SELECT TABLE_NAME AS t, INDEX_NAME AS i, NON_UNIQUE AS nu, COLUMN_NAME AS c, SUB_PART AS sub, INDEX_TYPE AS type
     FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
    [schema],
  )) {
    if (!tables.has(String(r.t))) continue;
    const k = `${r.t}.${r.i}`;
    const head = `${Number(r.nu) ? '' : 'unique '}${String(r.type).toLowerCase()}`;
    indexes.set(k, [...(indexes.get(k) ?? [head]), `${r.c}${r.sub !== null ? `(${r.sub})` : ''}`]);
  }
  for (const [k, [head, ...cols]] of indexes) inv.indexes[k] = `${head} (${cols.join(', ')})`;
  const keyCols = new Map<string, KeyColumns>();
  for (const r of await rows(
    conn,
    `SELECT TABLE_NAME AS t, CONSTRAINT_NAME AS n, COLUMN_NAME AS c, REFERENCED_TABLE_SCHEMA AS rs,
            REFERENCED_TABLE_NAME AS rt, REFERENCED_COLUMN_NAME AS rc
     FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION`,
    [schema],
  )) {
    const k = `${r.t}.${r.n}`;
    const e = keyCols.get(k) ?? { cols: [], refs: [] };
    e.cols.push(String(r.c));
    if (r.rc !== null) e.refs.push(String(r.rc));
    if (r.rt !== null) e.refTable = String(r.rt);
    if (r.rs !== null && r.rs !== schema) e.refSchema = String(r.rs);
    keyCols.set(k, e);
  }
  const rules = new Map<string, string>();
  for (const r of await rows(
    conn,
    'SELECT TABLE_NAME AS t, CONSTRAINT_NAME AS n, UPDATE_RULE AS u, DELETE_RULE AS d FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?',
    [schema],
  ))
    rules.set(`${r.t}.${r.n}`, `on update ${r.u} on delete ${r.d}`.toLowerCase());
  const checks = new Map<string, string>();
  for (const r of await rows(
    conn,
    'SELECT TABLE_NAME AS t, CONSTRAINT_NAME AS n, CHECK_CLAUSE AS cc FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?',
    [schema],
  ))
    checks.set(`${r.t}.${r.n}`, unqualify(String(r.cc), schema));
  for (const r of await rows(
    conn,
    'SELECT TABLE_NAME AS t, CONSTRAINT_NAME AS n, CONSTRAINT_TYPE AS type FROM information_schema.TABLE_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?',
    [schema],
  )) {
    if (!tables.has(String(r.t))) continue;
    const k = `${r.t}.${r.n}`;
    const kc = keyCols.get(k);
    let def = String(r.type).toLowerCase();
    if (kc) def += ` (${kc.cols.join(', ')})`;
    if (kc?.refTable)
      def += ` references ${kc.refSchema ? `${kc.refSchema}.` : ''}${kc.refTable} (${kc.refs.join(', ')}) ${rules.get(k) ?? ''}`;
    if (checks.has(k)) def += ` ${checks.get(k)}`;
    inv.constraints[k] = def.trim();
  }
  for (const r of await rows(
    conn,
    "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'SEQUENCE'",
    [schema],
  )) {
    // Where the sequence stands (its next value) is not recorded: it moves outside transactions.
    const [s] = await rows(
      conn,
      `SELECT start_value AS st, minimum_value AS mn, maximum_value AS mx, increment AS inc, cycle_option AS cy FROM ${q(schema)}.${q(String(r.t))}`,
      [],
    );
    inv.sequences[String(r.t)] =
      `start ${s?.st} increment ${s?.inc} min ${s?.mn} max ${s?.mx}${Number(s?.cy) ? ' cycle' : ''}`;
  }
  for (const r of await rows(
    conn,
    'SELECT TABLE_NAME AS t, VIEW_DEFINITION AS d, CHECK_OPTION AS co, SECURITY_TYPE AS st FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ?',
    [schema],
  ))
    inv.views[String(r.t)] = `${unqualify(String(r.d), schema)} check ${r.co} security ${r.st}`.toLowerCase();
  for (const r of await rows(
    conn,
    `SELECT EVENT_OBJECT_TABLE AS t, TRIGGER_NAME AS n, ACTION_TIMING AS ti, EVENT_MANIPULATION AS ev,
            ACTION_ORDER AS o, ACTION_STATEMENT AS s FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?`,
    [schema],
  ))
    inv.triggers[`${r.t}.${r.n}`] = `${r.ti} ${r.ev} order ${r.o}: ${unqualify(String(r.s), schema)}`;
  return inv;
}

/**
 * Content digest of each table: every column's bytes as the server sends them (no parsing into
 * numbers or dates), rows ordered by the primary key (unique, so a total order) or, without one,
 * by every column compared as bytes. Streams the rows; runs in the caller's transaction.
 */
export async function mysqlDigests(
  conn: mysql.Connection,
  schema: string,
  tables: string[],
): Promise<ContentDigests> {
  const out: ContentDigests = {};
  for (const table of tables) {
    const cols = await rows(
      conn,
      'SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
      [schema, table],
    );
    const pk = (
      await rows(
        conn,
        "SELECT COLUMN_NAME AS c FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX",
        [schema, table],
      )
    ).map((r) => q(String(r.c)));
    const names = cols.map((r) => q(String(r.c)));
    const order = pk.length > 0 ? pk : names.map((c) => `CAST(${c} AS BINARY)`);
    const sql = `SELECT ${names.join(', ')} FROM ${q(schema)}.${q(table)} ORDER BY ${order.join(', ')}`;
    const digest = new TableDigest();
    // The promise wrapper keeps the callback connection underneath; only it can stream rows.
    const core = (conn as unknown as { connection: { query(o: object): { stream(): Readable } } }).connection;
    const stream = core
      .query({ sql, rowsAsArray: true, typeCast: (field: { buffer(): Buffer | null }) => field.buffer() })
      .stream();
    for await (const row of stream) digest.add(row as unknown[]);
    out[table] = digest.finish();
  }
  return out;
}
