import {
  copyFileSync,
  cpSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { digestPath } from '../../src/checks/backup/digest.ts';
import { packTree } from '../../src/checks/backup/files-archive.ts';
import { type BackupManifest, manifestPathFor } from '../../src/checks/backup/manifest.ts';
import { cliIn } from '../unit/cli-in.ts';
import {
  createForeignMariadb,
  createForeignPostgres,
  createForeignSqlite,
  mariadbDumpDigest,
  pgDumpDigest,
} from './foreign-fixtures.ts';
import { cutInMiddle, fingerprint, readJson, tempDirs, xorByte } from './helpers.ts';
import { createMysqlDatabase, createPgDatabase, PG_ADMIN_URL, type TestDatabase } from './servers.ts';

const dirs = tempDirs('rollgate-backup-cmd-');
let root: string;
let source: string;
let sqliteFile: string;
let pgDb: TestDatabase;
let myDb: TestDatabase;
const taken: Record<string, string> = {};

/** Every path under `dir` with its bytes' digest (files), link target (links) and mtime to the nanosecond. */
function treeState(dir: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const path = rel ? `${rel}/${name}` : name;
    const s = lstatSync(join(dir, path), { bigint: true });
    out[path] = `${s.mtimeNs}:${s.size}`;
    if (s.isDirectory()) Object.assign(out, treeState(dir, path));
    else if (s.isFile()) out[path] += `:${fingerprint([join(dir, path)])[name]}`;
  }
  return out;
}

function writeRunbook(file: string, data: unknown[], extraTargets = ''): void {
  writeFileSync(
    file,
    `export default {
      name: 'backup-cmd',
      targets: { app: { baseURL: 'http://127.0.0.1:9', backups: { dir: 'backups', data: ${JSON.stringify(data)} } }${extraTargets} },
      stages: { live: { target: 'app', drill: { backups: { dir: 'backups' } } } },
    };\n`,
  );
}

const backup = (...args: string[]) =>
  cliIn(root, ['backup', '--runbook', join(root, 'rb.runbook.mjs'), ...args]);
const verify = (file: string) => cliIn(root, ['backup', 'verify', file]);

beforeAll(async () => {
  root = dirs.make();
  source = join(root, 'data');
  mkdirSync(join(source, 'flows/2026'), { recursive: true });
  mkdirSync(join(source, 'cache'));
  mkdirSync(join(source, 'empty'));
  writeFileSync(join(source, 'flows/a.json'), '{"flow":"a"}\n');
  writeFileSync(join(source, 'flows/2026/b.json'), '{"flow":"b"}\n');
  writeFileSync(join(source, 'flows/draft.tmp'), 'left out');
  writeFileSync(join(source, 'cache/c.bin'), 'left out too');
  symlinkSync('../flows/a.json', join(source, 'empty/a-link'));
  sqliteFile = join(root, 'shop.sqlite');
  createForeignSqlite(sqliteFile);
  [pgDb, myDb] = await Promise.all([createPgDatabase('rollgate_bcmd'), createMysqlDatabase('rollgate_bcmd')]);
  await Promise.all([createForeignPostgres(pgDb), createForeignMariadb(myDb)]);
  writeRunbook(join(root, 'rb.runbook.mjs'), [
    { kind: 'sqlite', name: 'shop', path: 'shop.sqlite' },
    { kind: 'postgres', name: 'orders', urlEnv: 'ORDERS_URL' },
    { kind: 'mysql', name: 'legacy', urlEnv: 'LEGACY_URL' },
    // biome-ignore lint/suspicious/noTemplateCurlyInString: rollgate expands ${NAME} in a declared path
    { kind: 'files', name: 'flows', path: '${FLOWS_DIR}', exclude: ['*.tmp', 'cache/**'] },
  ]);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await Promise.all([pgDb?.drop(), myDb?.drop()]);
  dirs.cleanup();
});

describe('rollgate backup', () => {
  it('backs up each declared kind, writes a manifest beside each, records them, and leaves every source as it was', async () => {
    vi.stubEnv('ORDERS_URL', pgDb.url);
    vi.stubEnv('LEGACY_URL', myDb.url);
    vi.stubEnv('FLOWS_DIR', source);
    const before = {
      files: treeState(source),
      sqlite: fingerprint([sqliteFile, `${sqliteFile}-wal`, `${sqliteFile}-shm`, `${sqliteFile}-journal`]),
      pg: await pgDumpDigest(pgDb),
      my: await mariadbDumpDigest(myDb),
    };
    const r = await backup();
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('[1/4] backing up shop (sqlite) from shop.sqlite into backups');
    expect(r.out).toContain('4 backup(s) of app written and recorded');
    expect(r.out).not.toContain(pgDb.url); // the URL is masked
    const names = readdirSync(join(root, 'backups'));
    for (const [name, ext] of [
      ['shop', '.sqlite'],
      ['orders', '.pgdump'],
      ['legacy', '.mariadb.sql'],
      ['flows', '.tar.gz'],
    ]) {
      const file = names.find((n) => n.startsWith(`${name}-`) && n.endsWith(ext!));
      expect(file, names.join(', ')).toBeDefined();
      taken[name!] = join(root, 'backups', file!);
      expect(names).toContain(`${file}.manifest.json`);
    }
    const records = readFileSync(join(root, 'reports/backups.jsonl'), 'utf8').trim().split('\n');
    expect(records.map((l) => JSON.parse(l).engine).sort()).toEqual(['files', 'mysql', 'postgres', 'sqlite']);
    // Read-only: bytes and mtimes of every file, the SQLite file (no -wal/-shm left), each server's content.
    expect(treeState(source)).toEqual(before.files);
    expect(
      fingerprint([sqliteFile, `${sqliteFile}-wal`, `${sqliteFile}-shm`, `${sqliteFile}-journal`]),
    ).toEqual(before.sqlite);
    expect(await pgDumpDigest(pgDb)).toBe(before.pg);
    expect(await mariadbDumpDigest(myDb)).toBe(before.my);
  });

  it("lists a folder's files with their digests and sizes, leaves out excluded ones, and records links without following them", () => {
    const m = readJson<BackupManifest>(manifestPathFor(taken.flows!));
    expect(m).toMatchObject({
      engine: 'files',
      format: 'files-tar-gz',
      tables: {},
      source: { database: 'data' },
    });
    const byPath = Object.fromEntries(m.files!.map((f) => [f.path, f]));
    expect(Object.keys(byPath)).toEqual([
      'empty',
      'empty/a-link',
      'flows',
      'flows/2026',
      'flows/2026/b.json',
      'flows/a.json',
    ]);
    expect(byPath['flows/a.json']).toMatchObject({
      type: 'file',
      sizeBytes: 13,
      sha256: fingerprint([join(source, 'flows/a.json')])['a.json'],
    });
    expect(byPath['empty/a-link']).toMatchObject({ type: 'symlink', target: '../flows/a.json' });
    expect(m.consistency).toContain('2 path(s) left out by exclude');
  });

  it('refuses bad input with exit 2 naming the field: an unset urlEnv, a kind that is not the URL, no target with backups', async () => {
    vi.stubEnv('ORDERS_URL', '');
    const unset = await backup();
    expect(unset.code).toBe(2);
    expect(unset.err).toContain('targets.app.backups.data[1].urlEnv: ORDERS_URL is not set');
    vi.stubEnv('ORDERS_URL', myDb.url);
    const wrong = await backup();
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain(
      'targets.app.backups.data[1]: kind is postgres but ORDERS_URL holds a mysql URL',
    );
    const none = join(root, 'none.runbook.mjs');
    writeFileSync(
      none,
      "export default { name: 'n', targets: { a: { baseURL: 'http://127.0.0.1:9' } }, stages: { s: { target: 'a', drill: { backups: { dir: 'b' } } } } };\n",
    );
    const r = await cliIn(root, ['backup', '--runbook', none]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('no target declares backups');
    // The backup folder inside a folder it backs up: archives would land in the user's data.
    vi.stubEnv('ORDERS_URL', pgDb.url);
    vi.stubEnv('FLOWS_DIR', root);
    const inside = await backup();
    expect(inside.code).toBe(2);
    expect(inside.err).toMatch(
      /targets\.app\.backups\.dir \(backups\) is inside targets\.app\.backups\.data\[3\]\.path \(\/\S+\): backups would be written into the folder they back up/,
    );
  });

  it('a source that cannot be backed up fails with exit 1, and the others are still taken', async () => {
    vi.stubEnv('ORDERS_URL', pgDb.url);
    vi.stubEnv('FLOWS_DIR', join(root, 'no-such-folder'));
    const r = await backup('--out', join(root, 'other'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/backup of flows \(files\) failed: .*no-such-folder does not exist/);
    expect(r.out).toContain('1 of 4 backup(s) of app failed');
    expect(readdirSync(join(root, 'other')).filter((n) => n.endsWith('.manifest.json'))).toHaveLength(3);
  });
});

describe('rollgate backup verify', () => {
  it('passes a good backup of each kind and says what it verified', async () => {
    vi.stubEnv('ROLLGATE_SCRATCH_URL', PG_ADMIN_URL);
    const pg = await verify(taken.orders!);
    expect(pg.code, pg.out).toBe(0);
    expect(pg.out).toMatch(
      /^verified .*orders-\S+\.pgdump \(pg-custom\): restored into a scratch database; 2 table\(s\) match the manifest/,
    );
    vi.stubEnv('ROLLGATE_SCRATCH_URL', '');
    const sqlite = await verify(taken.shop!);
    expect(sqlite.code, sqlite.out).toBe(0);
    expect(sqlite.out).toContain('ok   integrity-check == ok: ok');
    const files = await verify(taken.flows!);
    expect(files.code, files.out).toBe(0);
    expect(files.out).toContain("archive checksum ok; 2 file(s) match the manifest's digests and sizes");
    expect(files.out).toContain('ok   archive-differences == 0: 0');
  });

  /** A copy of the folder backup (and its manifest) to damage. */
  function copyOfFlows(): string {
    const dir = dirs.make();
    const file = join(dir, taken.flows!.split('/').at(-1)!);
    copyFileSync(taken.flows!, file);
    copyFileSync(manifestPathFor(taken.flows!), manifestPathFor(file));
    return file;
  }

  /** Replaces the archive with one packed from `tree`, and its manifest's checksum with the new one's: only the file list can tell. */
  async function repack(file: string, tree: string): Promise<void> {
    rmSync(file);
    await packTree(tree, file, ['*.tmp', 'cache/**']);
    const d = await digestPath(file);
    const m = readJson<BackupManifest>(manifestPathFor(file));
    writeFileSync(manifestPathFor(file), JSON.stringify({ ...m, sha256: d.sha256, sizeBytes: d.sizeBytes }));
  }

  function copyOfSource(): string {
    const tree = join(dirs.make(), 'data');
    cpSync(source, tree, { recursive: true, verbatimSymlinks: true });
    return tree;
  }

  it('fails each corruption with its own reason and exit 1', async () => {
    const flipped = copyOfFlows();
    xorByte(flipped, 200);
    const a = await verify(flipped);
    expect(a.code).toBe(1);
    expect(a.out).toMatch(/^FAILED .*: manifest checksum mismatch: sha256 of flows-\S+ is /);

    const truncated = copyOfFlows();
    cutInMiddle(truncated);
    const b = await verify(truncated);
    expect(b.code).toBe(1);
    expect(b.out).toMatch(/manifest size mismatch: .* bytes, manifest says \d+/);
    expect(b.out).toMatch(/archive unreadable: /);

    const missing = copyOfFlows();
    const lacking = copyOfSource();
    rmSync(join(lacking, 'flows/2026/b.json'));
    await repack(missing, lacking);
    const c = await verify(missing);
    expect(c.code).toBe(1);
    expect(c.out).toMatch(/archive differs from the manifest: file missing: flows\/2026\/b\.json/);
    expect(c.out).not.toContain('checksum mismatch');

    const changed = copyOfFlows();
    const edited = copyOfSource();
    writeFileSync(join(edited, 'flows/a.json'), '{"flow":"X"}\n');
    await repack(changed, edited);
    const d = await verify(changed);
    expect(d.code).toBe(1);
    expect(d.out).toMatch(
      /archive differs from the manifest: digest mismatch: sha256 of flows\/a\.json is \w{12}…, manifest says \w{12}…/,
    );

    const noManifest = copyOfFlows();
    rmSync(manifestPathFor(noManifest));
    const e = await verify(noManifest);
    expect(e.code).toBe(1);
    expect(e.out).toContain('manifest missing: no ');

    const sqlite = join(dirs.make(), taken.shop!.split('/').at(-1)!);
    copyFileSync(taken.shop!, sqlite);
    copyFileSync(manifestPathFor(taken.shop!), manifestPathFor(sqlite));
    xorByte(sqlite, 5000);
    const f = await verify(sqlite);
    expect(f.code).toBe(1);
    expect(f.out).toMatch(/manifest checksum mismatch/);

    const gone = await verify(join(root, 'nothing.tar.gz'));
    expect(gone.code).toBe(2);
  });
});
