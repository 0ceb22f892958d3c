/**
 * `npm run demo:backup`: `rollgate backup --target demo` of the demo runbook (its target declares
 * `backups`), recorded in rollgate's store (`ROLLGATE_REPORTS_DIR`'s backups.jsonl, or PostgreSQL
 * with `ROLLGATE_LEDGER_URL`), where the drill checks it. The environment the demo always took
 * still points it elsewhere, by replacing the declared source:
 *   DEMO_DATABASE_URL  the database (default: the declared .demo-data/demo.sqlite)
 *   BACKUP_DIR         where to write (default: the declared .demo-data/backups)
 *   BACKUP_FORMAT      sqlite | pg-custom | pg-directory | pg-plain | mariadb-sql (default by engine)
 * Exit codes are rollgate backup's: 0 written and recorded, 1 a backup failed, 2 bad input.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { BackupFormat } from '../src/checks/backup/manifest.ts';
import { parseDatabaseUrl } from '../src/checks/probes/database.ts';
import { parseCli } from '../src/cli/args.ts';
import { backupSources, type PlannedSource, pickTarget, planSources } from '../src/cli/backup.ts';
import { load } from '../src/cli/common.ts';
import { main } from '../src/cli/main.ts';

const RUNBOOK = 'runbooks/demo.runbook.ts';
const url = process.env.DEMO_DATABASE_URL?.trim();
const format = process.env.BACKUP_FORMAT?.trim() || undefined;
const out = process.env.BACKUP_DIR?.trim() || undefined;
const fail = (code: number, message: string): never => {
  process.stderr.write(`demo:backup: ${message}\n`);
  process.exit(code);
};

if (format !== undefined && !BackupFormat.safeParse(format).success)
  fail(2, `BACKUP_FORMAT="${format}" is not one of ${BackupFormat.options.join(', ')}`);

if (!url && !format) {
  // The declared source as it is: exactly `rollgate backup`.
  process.exitCode = await main([
    'backup',
    '--runbook',
    RUNBOOK,
    '--target',
    'demo',
    ...(out ? ['--out', out] : []),
  ]);
} else {
  process.exitCode = await backupElsewhere(url, format as BackupFormat | undefined).catch((error: Error) =>
    fail(2, error.message),
  );
}

/** The declared source replaced by DEMO_DATABASE_URL (and BACKUP_FORMAT). */
async function backupElsewhere(url: string | undefined, format: BackupFormat | undefined): Promise<number> {
  const cli = parseCli(['backup', '--runbook', RUNBOOK, '--target', 'demo']);
  const { name, target } = pickTarget(await load(cli), cli);
  const declared = target.backups!;
  let [source] = planSources(name, declared.data, process.env, process.cwd());
  if (url) {
    const where = parseDatabaseUrl(url);
    if (where.engine === 'sqlite' && !where.memory && !existsSync(where.file))
      fail(
        1,
        `cannot back up ${url}: ${where.file} does not exist. A backup never creates its source: for the demo's database run npm run demo:seed first (or npm run demo).`,
      );
    const data =
      where.engine === 'sqlite'
        ? { kind: 'sqlite' as const, name: 'demo', path: where.memory ? ':memory:' : where.file }
        : { kind: where.engine, name: 'demo', urlEnv: 'DEMO_DATABASE_URL' };
    [source] = planSources(name, [data], process.env, process.cwd());
  }
  const planned: PlannedSource = { ...source!, ...(format ? { format } : {}) };
  return backupSources({
    targetName: name,
    sources: [planned],
    dir: path.resolve(out ?? declared.dir),
  });
}
