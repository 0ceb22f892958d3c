/**
 * `npm run demo:backup`: takes a consistent backup of a database, with its manifest, and records
 * the manifest's digest in rollgate's store (the one the gate uses: `ROLLGATE_REPORTS_DIR`'s
 * backups.jsonl, or PostgreSQL with `ROLLGATE_LEDGER_URL`), where the drill checks it.
 *   DEMO_DATABASE_URL  the database (default sqlite:.demo-data/demo.sqlite, the demo's own)
 *   BACKUP_DIR         where to write (default .demo-data/backups)
 *   BACKUP_FORMAT      sqlite | pg-custom | pg-directory | pg-plain | mariadb-sql (default by engine)
 * Read-only on the database: no tables, no seed user, no journal-mode change (`demo:seed` does
 * those). Prints what it wrote. Exit 0 when written and recorded, 1 when the backup could not be
 * taken or recorded, 2 on bad input or an unusable store.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { DEFAULT_DATABASE_URL } from '../demo/config.ts';
import { maskDatabaseUrl } from '../demo/db/url.ts';
import { BackupFormat } from '../src/checks/backup/manifest.ts';
import { takeBackup } from '../src/checks/backup/take-backup.ts';
import { parseDatabaseUrl } from '../src/checks/probes/database.ts';
import { reportsDir } from '../src/config/paths.ts';
import { openStore } from '../src/engine/store/open-store.ts';
import type { Store } from '../src/engine/store/store.ts';

const databaseUrl = process.env.DEMO_DATABASE_URL?.trim() || DEFAULT_DATABASE_URL;
const dir = process.env.BACKUP_DIR?.trim() || '.demo-data/backups';
const format = process.env.BACKUP_FORMAT?.trim() || undefined;
const shown = maskDatabaseUrl(databaseUrl);
/** Relative to the working directory when inside it, else absolute. */
const show = (path: string) =>
  relative(process.cwd(), path).startsWith('..') ? path : relative(process.cwd(), path);
const fail = (code: number, message: string): never => {
  process.stderr.write(`demo:backup: ${message}\n`);
  process.exit(code);
};

if (format !== undefined && !BackupFormat.safeParse(format).success) {
  fail(2, `BACKUP_FORMAT="${format}" is not one of ${BackupFormat.options.join(', ')}`);
}
const location = parseDatabaseUrl(databaseUrl);
if (location.engine === 'sqlite' && !location.memory && !existsSync(location.file)) {
  fail(
    1,
    `cannot back up ${shown}: ${show(location.file)} does not exist. A backup never creates its source: for the demo's database run npm run demo:seed first (or npm run demo).`,
  );
}

// The store first: a backup that cannot be recorded would only HOLD the drill, so none is taken.
let store: Store | undefined;
try {
  store = await openStore(reportsDir());
} catch (error) {
  fail(2, `cannot open rollgate's store: ${(error as Error).message}`);
}

try {
  const taken = await takeBackup({
    databaseUrl,
    dir,
    format: format as BackupFormat | undefined,
    record: (r) => store!.recordBackup(r),
  });
  const m = taken.manifest;
  const tables = Object.entries(m.tables)
    .map(([t, n]) => `${t}=${n}`)
    .join(', ');
  const inv = m.inventory;
  const count = (o: object | undefined) => Object.keys(o ?? {}).length;
  const lines = [
    `demo:backup: ${shown} -> ${show(taken.path)}`,
    `  format ${m.format}, ${m.sizeBytes} bytes, sha256 ${m.sha256}`,
    `  consistent at ${m.consistentAt} (${m.consistency})`,
    `  rows: ${tables || '(no tables)'}`,
  ];
  if (inv)
    lines.push(
      `  schema: ${count(inv.tables)} tables, ${count(inv.indexes)} indexes, ${count(inv.constraints)} constraints, ${count(inv.sequences)} sequences, ${count(inv.views)} views, ${count(inv.triggers)} triggers; content digests of ${count(m.contentDigests)} tables`,
    );
  lines.push(
    `  manifest ${show(taken.manifestPath)} (sha256 ${taken.manifestSha256})`,
    `  recorded in ${isAbsolute(store!.backupLog) ? show(store!.backupLog) : store!.backupLog} at ${taken.record?.recordedAt}`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
} catch (error) {
  process.exitCode = 1;
  process.stderr.write(`demo:backup: cannot back up ${shown}: ${(error as Error).message}\n`);
} finally {
  await store?.close();
}
