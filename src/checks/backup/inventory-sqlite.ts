import {
  type ContentDigests,
  emptyInventory,
  type SchemaInventory,
  squash,
  TableDigest,
} from './inventory.ts';
import type { Database } from './sqlite-driver.ts';

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

interface XColumn {
  cid: number;
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
  /** 0 normal, 1 hidden (virtual tables), 2 and 3 generated columns. */
  hidden: number;
}

interface SchemaRow {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

function userTables(db: Database.Database): string[] {
  return db
    .prepare(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )
    .pluck()
    .all() as string[];
}

function columnsOf(db: Database.Database, table: string): XColumn[] {
  return (db.prepare(`PRAGMA table_xinfo(${q(table)})`).all() as XColumn[]).filter((c) => c.hidden !== 1);
}

/**
 * The schema of an open SQLite database. SQLite keeps CHECK constraints only inside the table's
 * CREATE statement, so that statement is recorded as the table's definition; columns, indexes
 * (automatic ones too), foreign keys, views, triggers and AUTOINCREMENT counters are listed apart
 * so a difference names what changed.
 */
export function sqliteInventory(db: Database.Database): SchemaInventory {
  const inv = emptyInventory();
  const schema = db
    .prepare(
      "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
    )
    .all() as SchemaRow[];
  for (const row of schema) {
    if (row.type === 'table') inv.tables[row.name] = squash(row.sql);
    else if (row.type === 'view') inv.views[row.name] = squash(row.sql);
    else if (row.type === 'trigger') inv.triggers[`${row.tbl_name}.${row.name}`] = squash(row.sql);
  }
  for (const table of userTables(db)) {
    columnsOf(db, table).forEach((c, i) => {
      const parts = [`#${i + 1}`, c.type || '(no type)'];
      if (c.notnull) parts.push('not null');
      if (c.dflt_value !== null) parts.push(`default ${c.dflt_value}`);
      if (c.pk) parts.push(`primary key part ${c.pk}`);
      if (c.hidden >= 2) parts.push('generated');
      inv.columns[`${table}.${c.name}`] = parts.join(' ');
    });
    const indexes = db.prepare(`PRAGMA index_list(${q(table)})`).all() as {
      name: string;
      unique: number;
      origin: string;
      partial: number;
    }[];
    for (const ix of indexes) {
      const cols = (
        db.prepare(`PRAGMA index_xinfo(${q(ix.name)})`).all() as {
          name: string | null;
          key: number;
          desc: number;
        }[]
      )
        .filter((c) => c.key)
        .map((c) => `${c.name ?? '(expression)'}${c.desc ? ' desc' : ''}`);
      const sql = db
        .prepare("SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?")
        .pluck()
        .get(ix.name);
      inv.indexes[`${table}.${ix.name}`] = sql
        ? squash(sql as string)
        : `${ix.unique ? 'unique ' : ''}automatic (${ix.origin}) on (${cols.join(', ')})`;
    }
    const fks = db.prepare(`PRAGMA foreign_key_list(${q(table)})`).all() as {
      id: number;
      table: string;
      from: string;
      to: string | null;
      on_update: string;
      on_delete: string;
    }[];
    const byId = new Map<number, typeof fks>();
    for (const fk of fks) byId.set(fk.id, [...(byId.get(fk.id) ?? []), fk]);
    for (const parts of byId.values()) {
      const from = parts.map((p) => p.from).join(', ');
      const to = parts.map((p) => p.to ?? '(primary key)').join(', ');
      const f = parts[0]!;
      inv.constraints[`${table}.foreign key (${from})`] =
        `references ${f.table} (${to}) on update ${f.on_update} on delete ${f.on_delete}`;
    }
  }
  const hasSequence = db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_sequence'").get();
  if (hasSequence) {
    for (const s of db.prepare('SELECT name, seq FROM sqlite_sequence ORDER BY name').all() as {
      name: string;
      seq: number;
    }[])
      inv.sequences[s.name] = `autoincrement at ${s.seq}`;
  }
  return inv;
}

/**
 * Content digest of every user table: all columns (generated ones too), rows ordered by every
 * column under BINARY collation, so a NOCASE column cannot make the order depend on the plan.
 * Integers are read as 64-bit integers, never rounded through a double.
 */
export function sqliteDigests(db: Database.Database): ContentDigests {
  const out: ContentDigests = {};
  for (const table of userTables(db)) {
    const cols = columnsOf(db, table).map((c) => q(c.name));
    const order = cols.map((c) => `${c} COLLATE BINARY`).join(', ');
    const stmt = db.prepare(`SELECT ${cols.join(', ')} FROM ${q(table)}${order ? ` ORDER BY ${order}` : ''}`);
    const digest = new TableDigest();
    for (const row of stmt.raw(true).safeIntegers(true).iterate()) digest.add(row as unknown[]);
    out[table] = digest.finish();
  }
  return out;
}
