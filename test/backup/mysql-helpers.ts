import { MYSQL_ADMIN_URL, mysqlQuery } from './servers.ts';

/** Scratch schemas whose marker names this process, and restore users left for any of them. */
export async function mysqlScratchLeft(): Promise<string[]> {
  const schemas = await mysqlQuery<{ name: string }>(
    MYSQL_ADMIN_URL,
    "SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'rollgate\\_scratch\\_%'",
  );
  const left: string[] = [];
  for (const { name } of schemas) {
    const rows = await mysqlQuery<{ pid: number }>(
      MYSQL_ADMIN_URL,
      `SELECT pid FROM \`${name}\`._rollgate_scratch`,
    ).catch(() => []);
    if (rows.some((r) => Number(r.pid) === process.pid)) left.push(name);
  }
  return left;
}

export async function mysqlUserExists(user: string): Promise<boolean> {
  return (await mysqlQuery(MYSQL_ADMIN_URL, 'SELECT 1 FROM mysql.user WHERE User = ?', [user])).length > 0;
}

/** A digest of every row of the demo's tables. */
export async function mysqlContentDigest(url: string): Promise<string> {
  const parts: string[] = [];
  for (const [table, cols] of [
    ['users', 'id, username, password_hash, created_at'],
    ['sessions', 'id_hash, user_id, created_at, expires_at'],
    ['estimates', 'id, user_id, title, created_at'],
    ['line_items', 'id, estimate_id, position, description, quantity, unit_price_cents'],
  ] as const) {
    const [row] = await mysqlQuery<{ d: string }>(
      url,
      `SELECT MD5(COALESCE(GROUP_CONCAT(CONCAT_WS(',', ${cols}) ORDER BY 1 SEPARATOR '|'), '')) AS d FROM ${table}`,
    );
    parts.push(`${table}:${row?.d}`);
  }
  return parts.join(' ');
}
