/**
 * The Proofile stand-in: rollgate's demo app on PostgreSQL, in a database of its own.
 *
 * `tsx runbooks/proofile/standin.ts` takes DEMO_DATABASE_URL, a `postgres://` URL whose database
 * is `proofile_standin` or named starting with it (tests use `proofile_standin_<unique>`); any other
 * database, or no PostgreSQL URL, is refused before anything is touched (exit 2, saying why), as
 * the demo would write its tables and its smoke user into it. It creates that database when it is
 * missing (the demo itself never creates databases), prepares its tables once under an advisory
 * lock (the canary and its baseline start at the same moment on the same database, and two
 * concurrent `CREATE TABLE IF NOT EXISTS` can collide in PostgreSQL), then runs the demo
 * (`demo/main.ts`), which prints the line rollgate waits for. Nothing else on the server is
 * touched: no other database is read, changed or dropped.
 */
import pg from 'pg';
import { openStore } from '../../demo/db/open-store.ts';
import { maskDatabaseUrl } from '../../demo/db/url.ts';

/**
 * The databases this script may create and write: the stand-in's own, a plain identifier (so it is
 * never quoted into SQL unsafely) of at most PostgreSQL's 63 characters.
 */
const STANDIN_DATABASE = /^proofile_standin[a-z0-9_]{0,47}$/;
const EXAMPLE = 'postgres://postgres@127.0.0.1:5432/proofile_standin';

/** Any number the stand-ins agree on: the advisory lock that serialises their schema preparation. */
const SCHEMA_LOCK = 7_451_822;

function fail(message: string): never {
  process.stderr.write(`proofile stand-in: cannot start: ${message}\n`);
  process.exit(2);
}

/** The stand-in's database from DEMO_DATABASE_URL, or a refusal saying why (nothing touched yet). */
function standinDatabase(raw: string): { url: URL; name: string } {
  if (!raw) fail(`DEMO_DATABASE_URL is not set; give it the stand-in's database, e.g. ${EXAMPLE}`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    fail(`DEMO_DATABASE_URL is not a URL; expected ${EXAMPLE}`);
  }
  if (!/^postgres(ql)?:$/i.test(url.protocol))
    fail(
      `DEMO_DATABASE_URL uses ${url.protocol}, but the stand-in runs on PostgreSQL: give a URL such as ${EXAMPLE}`,
    );
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!STANDIN_DATABASE.test(name))
    fail(
      `database "${name}" refused: the stand-in creates and writes only a database named proofile_standin (or starting with it, then lower-case letters, digits or _), never another`,
    );
  return { url, name };
}

/** Creates the database when missing; another stand-in creating it at the same moment is fine. */
async function ensureDatabase(url: URL, name: string): Promise<void> {
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
const { url, name } = standinDatabase(raw);
try {
  await ensureDatabase(url, name);
  await prepareSchema(raw);
} catch (error) {
  fail(`${maskDatabaseUrl(raw)}: ${(error as Error).message}`);
}
await import('../../demo/main.ts');
