/**
 * The Proofile stand-in: rollgate's demo app on PostgreSQL, in a database of its own.
 *
 * `tsx runbooks/proofile/standin.ts` creates the database DEMO_DATABASE_URL names when it is missing
 * (the demo itself never creates databases), prepares its tables once under an advisory lock (the
 * canary and its baseline start at the same moment on the same database, and two concurrent
 * `CREATE TABLE IF NOT EXISTS` can collide in PostgreSQL), then runs the demo (`demo/main.ts`),
 * which prints the line rollgate waits for. Nothing else on the server is touched: no other
 * database is read, changed or dropped.
 */
import pg from 'pg';
import { openStore } from '../../demo/db/open-store.ts';
import { maskDatabaseUrl } from '../../demo/db/url.ts';

/** A database name this script may create: a plain identifier, so it is never quoted into SQL unsafely. */
const NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Any number the stand-ins agree on: the advisory lock that serialises their schema preparation. */
const SCHEMA_LOCK = 7_451_822;

function fail(message: string): never {
  process.stderr.write(`proofile stand-in: cannot start: ${message}\n`);
  process.exit(2);
}

/** Creates the database when missing; another stand-in creating it at the same moment is fine. */
async function ensureDatabase(url: URL): Promise<void> {
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!NAME.test(name)) fail(`database name "${name}" is not a plain lower-case identifier`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 10_000 });
  client.on('error', () => {});
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return;
    await client.query(`CREATE DATABASE "${name}"`).catch((error: { code?: string }) => {
      // 42P04 duplicate_database, 23505: the other stand-in created it between our look and ours.
      if (error.code !== '42P04' && error.code !== '23505') throw error;
    });
    process.stderr.write(`proofile stand-in: created database ${name}\n`);
  } finally {
    await client.end();
  }
}

/** Creates the demo's tables and user once, holding a lock so that concurrent starts take turns. */
async function prepareSchema(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [SCHEMA_LOCK]);
    const store = await openStore(url);
    await store.close();
  } finally {
    await client.end(); // ends the session, which releases the lock
  }
}

const raw = process.env.DEMO_DATABASE_URL?.trim() ?? '';
if (/^postgres(ql)?:\/\//i.test(raw)) {
  try {
    await ensureDatabase(new URL(raw));
    await prepareSchema(raw);
  } catch (error) {
    fail(`${maskDatabaseUrl(raw)}: ${(error as Error).message}`);
  }
}
await import('../../demo/main.ts');
