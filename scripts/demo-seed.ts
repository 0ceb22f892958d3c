/**
 * `npm run demo:seed`: prepares a database for the demo: creates its tables when missing, adds the
 * `demo` user once and, on SQLite, switches the file to WAL. This is the only demo command that
 * writes to the database; `demo:backup` never does.
 *   DEMO_DATABASE_URL  the database (default sqlite:.demo-data/demo.sqlite, the demo's own)
 * Exit 0 when ready, 1 when the database could not be prepared.
 */
import { DEFAULT_DATABASE_URL } from '../demo/config.ts';
import { openStore } from '../demo/db/open-store.ts';
import { maskDatabaseUrl } from '../demo/db/url.ts';

const databaseUrl = process.env.DEMO_DATABASE_URL?.trim() || DEFAULT_DATABASE_URL;
const shown = maskDatabaseUrl(databaseUrl);

try {
  const store = await openStore(databaseUrl);
  const info = store.info();
  await store.close();
  process.stdout.write(
    `demo:seed: ${shown} ready (${info.engine}${info.journalMode ? `, journal ${info.journalMode}` : ''}: demo tables and user "demo")\n`,
  );
} catch (error) {
  process.stderr.write(`demo:seed: cannot prepare ${shown}: ${(error as Error).message}\n`);
  process.exit(1);
}
