import path from 'node:path';
import type { BackupFormat } from '../checks/backup/manifest.ts';
import { backupDirInside, takeBackup } from '../checks/backup/take-backup.ts';
import { parseDatabaseUrl } from '../checks/probes/database.ts';
import { RollgateError } from '../config/errors.ts';
import type { LoadedRunbook } from '../config/load-runbook.ts';
import { createMasker, secretLookingValues } from '../config/mask.ts';
import { reportsDir } from '../config/paths.ts';
import { openStore } from '../engine/store/open-store.ts';
import type { DataSource } from '../model/declarations.ts';
import type { Target } from '../model/runbook.ts';
import type { Cli } from './args.ts';
import { load } from './common.ts';

const PROGRESS_EVERY_MS = 10_000;

/** Relative to the working directory when inside it, else absolute. */
const show = (p: string) => {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
};

/** The target whose data is backed up: --target, the target of --stage, or the only one declaring backups. */
export function pickTarget(loaded: LoadedRunbook, cli: Cli): { name: string; target: Target } {
  const rb = loaded.runbook;
  const withBackups = Object.keys(rb.targets).filter((n) => rb.targets[n]!.backups);
  const list = withBackups.join(', ') || '(none)';
  let name = cli.values.target;
  if (cli.values.stage) {
    const stage = rb.stages[cli.values.stage];
    if (!stage)
      throw new RollgateError(
        'ROLLGATE_UNKNOWN_STAGE',
        `${loaded.file}: no stage "${cli.values.stage}"; stages: ${Object.keys(rb.stages).join(', ')}`,
      );
    if (name && name !== stage.target)
      throw new RollgateError(
        'ROLLGATE_BAD_ARGUMENT',
        `--target ${name} and --stage ${cli.values.stage} (target ${stage.target}) disagree: give one`,
      );
    name = stage.target;
  }
  if (!name) {
    if (withBackups.length !== 1)
      throw new RollgateError(
        'ROLLGATE_BAD_ARGUMENT',
        withBackups.length === 0
          ? `${loaded.file}: no target declares backups: add backups: { dir, data: [...] } to a target (docs/backups.md)`
          : `${loaded.file}: several targets declare backups (${list}): name one with --target <name>`,
      );
    name = withBackups[0]!;
  }
  const target = rb.targets[name];
  if (!target)
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      `${loaded.file}: no target "${name}"; targets declaring backups: ${list}`,
    );
  if (!target.backups)
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      `${loaded.file}: targets.${name} declares no backups; add backups: { dir, data: [...] } (docs/backups.md), or use one of: ${list}`,
    );
  return { name, target };
}

/** `${NAME}` in a declared path, from the environment; an unset variable is bad input naming the field. */
function expandPath(raw: string, field: string, env: NodeJS.ProcessEnv): string {
  return raw.replace(/\$\{([A-Z_][A-Z0-9_]*)\}/g, (_m, name: string) => {
    const value = env[name];
    if (!value)
      throw new RollgateError('ROLLGATE_BACKUP_SOURCE', `${field}: \${${name}} is not set; set ${name}`);
    return value;
  });
}

export interface PlannedSource {
  source: DataSource;
  field: string;
  /** What to back up: a database URL, or a path of files. */
  databaseUrl?: string;
  files?: { path: string; exclude: string[] };
  /** Default: by engine (`sqlite`, `pg-custom`, `mariadb-sql`, `files-tar-gz`). */
  format?: BackupFormat;
  /** For output: never credentials. */
  shown: string;
}

/** Each declared source resolved against the environment and the project root; bad input throws before anything runs. */
export function planSources(
  targetName: string,
  data: readonly DataSource[],
  env: NodeJS.ProcessEnv,
  root: string,
): PlannedSource[] {
  const mask = createMasker([]);
  return data.map((source, i) => {
    const field = `targets.${targetName}.backups.data[${i}]`;
    if (source.kind === 'sqlite') {
      const file = path.resolve(root, expandPath(source.path, `${field}.path`, env));
      return { source, field, databaseUrl: `sqlite:${file}`, shown: show(file) };
    }
    if (source.kind === 'files') {
      const dir = path.resolve(root, expandPath(source.path, `${field}.path`, env));
      return { source, field, files: { path: dir, exclude: source.exclude }, shown: show(dir) };
    }
    const url = env[source.urlEnv];
    if (!url)
      throw new RollgateError(
        'ROLLGATE_BACKUP_SOURCE',
        `${field}.urlEnv: ${source.urlEnv} is not set; set it to the ${source.kind} database's URL`,
      );
    let engine: string;
    try {
      engine = parseDatabaseUrl(url).engine;
    } catch (error) {
      throw new RollgateError(
        'ROLLGATE_BACKUP_SOURCE',
        `${field}.urlEnv: ${source.urlEnv}: ${(error as Error).message}`,
      );
    }
    if (engine !== source.kind)
      throw new RollgateError(
        'ROLLGATE_BACKUP_SOURCE',
        `${field}: kind is ${source.kind} but ${source.urlEnv} holds a ${engine} URL; correct kind or the variable`,
      );
    return { source, field, databaseUrl: url, shown: mask(url) };
  });
}

/**
 * `rollgate backup`: every data source the target declares, one after another, into
 * `backups.dir` (or --out), each with its manifest, recorded in rollgate's store (where the drill
 * checks it). Read-only on every source. 0 when all were written, 1 when one failed (the others
 * are still taken), 2 on bad input (nothing is taken).
 */
export async function backupCommand(cli: Cli): Promise<number> {
  if (cli.positionals[0] === 'verify') return (await import('./backup-verify.ts')).verifyCommand(cli);
  if (cli.positionals.length > 0)
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      `rollgate backup takes no "${cli.positionals[0]}": use rollgate backup [--target <name>] [--out <dir>], or rollgate backup verify <file>`,
    );
  const loaded = await load(cli);
  const { name, target } = pickTarget(loaded, cli);
  const root = process.cwd();
  const sources = planSources(name, target.backups!.data, process.env, root);
  const dir = path.resolve(root, cli.values.out || process.env.ROLLGATE_BACKUP_DIR || target.backups!.dir);
  const dirFrom = cli.values.out
    ? '--out'
    : process.env.ROLLGATE_BACKUP_DIR
      ? 'ROLLGATE_BACKUP_DIR'
      : `targets.${name}.backups.dir`;
  // Backups written into the folder they back up: the partial archive lands in the user's data,
  // and each backup would hold the earlier ones.
  for (const s of sources)
    if (s.files && backupDirInside(dir, s.files.path))
      throw new RollgateError(
        'ROLLGATE_BACKUP_SOURCE',
        `${dirFrom} (${show(dir)}) is inside ${s.field}.path (${show(s.files.path)}): backups would be written into the folder they back up, and each would hold the earlier ones; put ${dirFrom} outside it`,
      );
  return backupSources({ targetName: name, sources, dir });
}

/** Takes and records each planned source; prints what it wrote. Shared with `npm run demo:backup`. */
export async function backupSources(o: {
  targetName: string;
  sources: PlannedSource[];
  dir: string;
  print?: (line: string) => void;
  warn?: (line: string) => void;
}): Promise<number> {
  const mask = createMasker([
    ...secretLookingValues(process.env),
    ...o.sources.flatMap((s) => s.databaseUrl ?? []),
  ]);
  const print = o.print ?? ((l: string) => console.log(mask(l)));
  const warn = o.warn ?? ((l: string) => console.error(mask(l)));
  let store: Awaited<ReturnType<typeof openStore>>;
  try {
    store = await openStore(reportsDir());
  } catch (error) {
    // A backup that cannot be recorded would only hold the drill: none is taken.
    throw new RollgateError(
      'ROLLGATE_STORE_UNAVAILABLE',
      `cannot open rollgate's store: ${(error as Error).message}`,
    );
  }
  let failed = 0;
  try {
    for (const [i, s] of o.sources.entries()) {
      const label = `${s.source.name} (${s.source.kind})`;
      print(`[${i + 1}/${o.sources.length}] backing up ${label} from ${mask(s.shown)} into ${show(o.dir)}`);
      const t0 = performance.now();
      const progress = setInterval(
        () =>
          print(`  … ${s.source.name}: still running after ${Math.round((performance.now() - t0) / 1000)} s`),
        PROGRESS_EVERY_MS,
      );
      try {
        const taken = await takeBackup({
          ...(s.files ? { files: s.files } : { databaseUrl: s.databaseUrl! }),
          dir: o.dir,
          name: s.source.name,
          ...(s.format ? { format: s.format } : {}),
          record: (r) => store.recordBackup(r),
        });
        for (const line of describeTaken(taken, store.backupLog)) print(line);
      } catch (error) {
        failed++;
        warn(`rollgate: backup of ${label} failed: ${(error as Error).message}`);
      } finally {
        clearInterval(progress);
      }
    }
  } finally {
    await store.close();
  }
  print(
    failed
      ? `${failed} of ${o.sources.length} backup(s) of ${o.targetName} failed`
      : `${o.sources.length} backup(s) of ${o.targetName} written and recorded`,
  );
  return failed ? 1 : 0;
}

function describeTaken(taken: Awaited<ReturnType<typeof takeBackup>>, log: string): string[] {
  const m = taken.manifest;
  const count = (o: object | undefined) => Object.keys(o ?? {}).length;
  const lines = [
    `  -> ${show(taken.path)}`,
    `  format ${m.format}, ${m.sizeBytes} bytes, sha256 ${m.sha256}`,
    `  consistent at ${m.consistentAt} (${m.consistency})`,
  ];
  if (m.files) {
    const files = m.files.filter((f) => f.type === 'file');
    const bytes = files.reduce((n, f) => n + f.sizeBytes, 0);
    const links = m.files.filter((f) => f.type === 'symlink').length;
    lines.push(`  files: ${files.length} (${bytes} bytes), ${links} link(s), each with its sha256`);
  } else {
    const tables = Object.entries(m.tables)
      .map(([t, n]) => `${t}=${n}`)
      .join(', ');
    lines.push(`  rows: ${tables || '(no tables)'}`);
  }
  const inv = m.inventory;
  if (inv)
    lines.push(
      `  schema: ${count(inv.tables)} tables, ${count(inv.indexes)} indexes, ${count(inv.constraints)} constraints, ${count(inv.sequences)} sequences, ${count(inv.views)} views, ${count(inv.triggers)} triggers; content digests of ${count(m.contentDigests)} tables`,
    );
  lines.push(
    `  manifest ${show(taken.manifestPath)} (sha256 ${taken.manifestSha256})`,
    `  recorded in ${path.isAbsolute(log) ? show(log) : log} at ${taken.record?.recordedAt}`,
  );
  return lines;
}
