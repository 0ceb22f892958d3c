/**
 * `npm run demo:backup`: takes a consistent backup of the demo's database, with its manifest.
 *   DEMO_DATABASE_URL  the demo database (default sqlite:.demo-data/demo.sqlite, the demo's own)
 *   BACKUP_DIR         where to write (default .demo-data/backups)
 *   BACKUP_FORMAT      sqlite | pg-custom | pg-directory | pg-plain | mariadb-sql (default by engine)
 * Prints the files it wrote. Exit 0 when written, 1 when the backup could not be taken, 2 on bad input.
 */
import { relative } from 'node:path';
import { DEFAULT_DATABASE_URL } from '../demo/config.ts';
import { openStore } from '../demo/db/open-store.ts';
import { maskDatabaseUrl } from '../demo/db/url.ts';
import { BackupFormat } from '../src/checks/backup/manifest.ts';
import { takeBackup } from '../src/checks/backup/take-backup.ts';

const databaseUrl = process.env.DEMO_DATABASE_URL?.trim() || DEFAULT_DATABASE_URL;
const dir = process.env.BACKUP_DIR?.trim() || '.demo-data/backups';
const format = process.env.BACKUP_FORMAT?.trim() || undefined;
const shown = maskDatabaseUrl(databaseUrl);
/** Relative to the working directory when inside it, else absolute. */
const show = (path: string) =>
  relative(process.cwd(), path).startsWith('..') ? path : relative(process.cwd(), path);

if (format !== undefined && !BackupFormat.safeParse(format).success) {
  process.stderr.write(
    `demo:backup: BACKUP_FORMAT="${format}" is not one of ${BackupFormat.options.join(', ')}\n`,
  );
  process.exit(2);
}

try {
  // Opening the demo's store creates its schema and seed user when missing, so a fresh clone has
  // something real to back up; the store is closed before the backup starts.
  await (await openStore(databaseUrl)).close();
  const taken = await takeBackup({ databaseUrl, dir, format: format as BackupFormat | undefined });
  const m = taken.manifest;
  const tables = Object.entries(m.tables)
    .map(([t, n]) => `${t}=${n}`)
    .join(', ');
  process.stdout.write(
    [
      `demo:backup: ${shown} -> ${show(taken.path)}`,
      `  format ${m.format}, ${m.sizeBytes} bytes, sha256 ${m.sha256}`,
      `  consistent at ${m.consistentAt} (${m.consistency})`,
      `  rows: ${tables || '(no tables)'}`,
      `  manifest ${show(taken.manifestPath)}`,
      '',
    ].join('\n'),
  );
} catch (error) {
  process.stderr.write(`demo:backup: cannot back up ${shown}: ${(error as Error).message}\n`);
  process.exit(1);
}
