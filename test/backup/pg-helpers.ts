import { PG_ADMIN_URL, pgQuery } from './servers.ts';

/** Scratch databases and restore roles this process created that still exist. */
export async function pgScratchLeft(): Promise<string[]> {
  const mine = `%pid=${process.pid} %`;
  const rows = await pgQuery<{ name: string }>(
    PG_ADMIN_URL,
    `SELECT datname AS name FROM pg_database WHERE shobj_description(oid, 'pg_database') LIKE $1
     UNION ALL SELECT rolname FROM pg_roles WHERE shobj_description(oid, 'pg_authid') LIKE $1`,
    [mine],
  );
  return rows.map((r) => r.name);
}

/** A digest of every row of the demo's tables: equal digests mean equal content. */
export async function pgContentDigest(url: string): Promise<string> {
  const parts: string[] = [];
  for (const table of ['users', 'sessions', 'estimates', 'line_items']) {
    const [row] = await pgQuery<{ d: string }>(
      url,
      `SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS d FROM ${table} t`,
    );
    parts.push(`${table}:${row?.d}`);
  }
  return parts.join(' ');
}
