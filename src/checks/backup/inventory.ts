import { createHash, type Hash } from 'node:crypto';
import { z } from 'zod';

/** Object name → its definition, normalised so that the source and a faithful restore read alike. */
const Definitions = z.record(z.string().min(1), z.string());

/**
 * What a database holds besides its rows, as the manifest records it at the consistent point.
 * Keys of columns, indexes, constraints and triggers start with their table (`orders.total`), so a
 * difference names the table. Owners, database names and sequence positions are left out: a
 * restore into a scratch database changes them without losing anything.
 */
export const SchemaInventory = z.strictObject({
  tables: Definitions,
  columns: Definitions,
  indexes: Definitions,
  constraints: Definitions,
  sequences: Definitions,
  views: Definitions,
  triggers: Definitions,
});
export type SchemaInventory = z.infer<typeof SchemaInventory>;
export type InventoryKind = keyof SchemaInventory;

export const INVENTORY_KINDS: InventoryKind[] = [
  'tables',
  'columns',
  'indexes',
  'constraints',
  'sequences',
  'views',
  'triggers',
];

const SINGULAR: Record<InventoryKind, string> = {
  tables: 'table',
  columns: 'column',
  indexes: 'index',
  constraints: 'constraint',
  sequences: 'sequence',
  views: 'view',
  triggers: 'trigger',
};

/** Table → sha256 of its rows in a fixed order, each row in a canonical form (see `TableDigest`). */
export const ContentDigests = z.record(z.string().min(1), z.string().regex(/^[0-9a-f]{64}$/));
export type ContentDigests = z.infer<typeof ContentDigests>;

export function emptyInventory(): SchemaInventory {
  return { tables: {}, columns: {}, indexes: {}, constraints: {}, sequences: {}, views: {}, triggers: {} };
}

/** SQL text as stored, with runs of whitespace made one space: indentation is not schema. */
export function squash(sql: string | null | undefined): string {
  return (sql ?? '').replace(/\s+/g, ' ').trim();
}

/**
 * One value in a form that keeps its type: `1` (integer), `1.0` (real) and `'1'` (text) differ,
 * bytes are hex, and JSON escaping keeps every row on one line.
 */
function canonicalValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v)) return `x:${v.toString('hex')}`;
  if (typeof v === 'bigint') return `i:${v}`;
  if (typeof v === 'number') return `n:${Object.is(v, -0) ? '-0' : String(v)}`;
  if (typeof v === 'string') return `s:${v}`;
  if (typeof v === 'boolean') return `b:${v}`;
  if (v instanceof Date) return `d:${v.toISOString()}`;
  return `j:${JSON.stringify(v)}`;
}

/**
 * sha256 over a table's rows, fed in a fixed order the engine's query guarantees (bytewise, never a
 * collation's), one canonical line per row. The same content always gives the same digest; the
 * digest of an empty table is that of no bytes.
 */
export class TableDigest {
  private readonly hash: Hash = createHash('sha256');
  rows = 0;

  add(values: unknown[]): void {
    this.hash.update(`${JSON.stringify(values.map(canonicalValue))}\n`);
    this.rows++;
  }

  finish(): string {
    return this.hash.digest('hex');
  }
}

const short = (s: string) => (s.length > 120 ? `${s.slice(0, 117)}…` : s);

/**
 * Every difference between the manifest's inventory and the restore's, one line each, naming the
 * object (and so its table) and both definitions when they differ.
 */
export function compareInventory(expected: SchemaInventory, actual: SchemaInventory): string[] {
  const out: string[] = [];
  for (const kind of INVENTORY_KINDS) {
    const want = expected[kind];
    const got = actual[kind];
    const what = SINGULAR[kind];
    for (const name of Object.keys(want).sort()) {
      if (!(name in got)) out.push(`${what} ${name} missing from the restore`);
      else if (got[name] !== want[name])
        out.push(`${what} ${name} differs: manifest "${short(want[name]!)}", restore "${short(got[name]!)}"`);
    }
    for (const name of Object.keys(got).sort()) {
      if (!(name in want)) out.push(`${what} ${name} in the restore is not in the manifest`);
    }
  }
  return out;
}

/** Tables whose restored content digest differs from the manifest's, naming both digests. */
export function compareDigests(expected: ContentDigests, actual: ContentDigests): string[] {
  const out: string[] = [];
  for (const [table, want] of Object.entries(expected).sort(([a], [b]) => a.localeCompare(b))) {
    const got = actual[table];
    if (got === undefined) out.push(`table ${table}: no content to digest in the restore`);
    else if (got !== want)
      out.push(
        `table ${table}: content differs from the backup's snapshot (sha256 ${got.slice(0, 12)}… in the restore, manifest says ${want.slice(0, 12)}…)`,
      );
  }
  return out;
}
