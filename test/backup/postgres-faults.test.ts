import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupFormat } from '../../src/checks/backup/manifest.ts';
import { type TakenBackup, takeBackup } from '../../src/checks/backup/take-backup.ts';
import { verifyBackup } from '../../src/checks/backup/verify-backup.ts';
import { cutInMiddle, manifestFor, seedDemo, tempDirs, VARIANTS, xorByte } from './helpers.ts';
import { pgScratchLeft } from './pg-helpers.ts';
import { createPgDatabase, PG_ADMIN_URL, type TestDatabase } from './servers.ts';

/** The PostgreSQL fault matrix: each damaged dump fails with its own reason, in both manifest variants. */
const dirs = tempDirs();
let source: TestDatabase;
const taken = {} as Record<BackupFormat, TakenBackup>;

beforeAll(async () => {
  source = await createPgDatabase('rollgate_src');
  await (await seedDemo(source.url, 20)).close();
  const dir = dirs.make();
  for (const format of ['pg-custom', 'pg-directory', 'pg-plain'] as const) {
    taken[format] = await takeBackup({ databaseUrl: source.url, dir, format });
  }
});

afterAll(async () => {
  await source?.drop();
  dirs.cleanup();
});

const verify = (backup: string) => verifyBackup({ backup, scratchUrl: PG_ADMIN_URL });

describe('dumps that would not land in the scratch database are refused, never restored', () => {
  function plainWith(name: string, edit: (text: string) => string): string {
    const path = join(dirs.make(), name);
    writeFileSync(path, edit(readFileSync(taken['pg-plain'].path, 'utf8')));
    return path;
  }

  it.each([
    [
      '\\connect',
      (t: string) => t.replace('SET statement_timeout', '\\connect postgres\nSET statement_timeout'),
      /dump switches database: \\connect at line \d+/,
    ],
    [
      'CREATE DATABASE',
      (t: string) => t.replace('SET statement_timeout', 'CREATE DATABASE evil;\nSET statement_timeout'),
      /dump creates a database: CREATE DATABASE at line \d+/,
    ],
    [
      'a shell escape',
      (t: string) => t.replace('SET statement_timeout', 'SELECT 1; \\! touch /tmp/x\nSET statement_timeout'),
      /dump runs a psql meta-command: \\! at line \d+/,
    ],
  ])('%s', async (_label, edit, reason) => {
    const path = plainWith('edited.pg.sql', edit);
    await manifestFor(path, taken['pg-plain'].manifest, 'manifest recomputed over the bad file');
    const r = await verify(path);
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(reason);
    expect(r.measurements.some((m) => m.name.startsWith('rows:'))).toBe(false);
    expect(await pgScratchLeft()).toEqual([]);
  });

  it('a plain dump without its completion trailer', async () => {
    const path = plainWith('no-trailer.pg.sql', (t) =>
      t.replace('-- PostgreSQL database dump complete', '-- (removed)'),
    );
    await manifestFor(path, taken['pg-plain'].manifest, 'manifest recomputed over the bad file');
    const r = await verify(path);
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/^missing completion trailer "-- PostgreSQL database dump complete"/);
  });
});

describe.each(VARIANTS)('PostgreSQL faults, %s', (variant) => {
  const recomputed = variant === 'manifest recomputed over the bad file';

  async function faulty(format: BackupFormat, damage: (path: string) => void) {
    const path = join(dirs.make(), `damaged${taken[format].path.slice(taken[format].path.lastIndexOf('.'))}`);
    cpSync(taken[format].path, path, { recursive: true });
    damage(path);
    await manifestFor(path, taken[format].manifest, variant);
    const r = await verify(path);
    expect(r.status).toBe('failed');
    if (recomputed) expect(r.reason).not.toMatch(/checksum|size mismatch/);
    else expect(r.reason).toMatch(/^manifest checksum mismatch/);
    expect(await pgScratchLeft()).toEqual([]);
    return r.reason;
  }

  it('a plain dump cut in the middle', async () => {
    expect(await faulty('pg-plain', cutInMiddle)).toMatch(
      /missing completion trailer "-- PostgreSQL database dump complete": the plain dump is incomplete/,
    );
  });

  it('a custom-format dump cut in the middle', async () => {
    expect(await faulty('pg-custom', cutInMiddle)).toMatch(
      /pg_restore could not read the whole dump: pg_restore: error: could not read from input file: end of file/,
    );
  });

  it('a directory-format dump with a data file cut in the middle', async () => {
    const reason = await faulty('pg-directory', (dir) => {
      const largest = readdirSync(dir)
        .filter((f) => f.endsWith('.dat.gz'))
        .sort((a, b) => statSync(join(dir, b)).size - statSync(join(dir, a)).size)[0]!;
      cutInMiddle(join(dir, largest));
    });
    expect(reason).toMatch(
      /pg_restore could not read the whole dump: pg_restore: error: could not (read|uncompress|close data file)/,
    );
  });

  it('a custom-format dump with one byte flipped in its data', async () => {
    const reason = await faulty('pg-custom', (p) => xorByte(p, middleOfLargestZlibStream(readFileSync(p))));
    expect(reason).toMatch(
      /pg_restore could not read the whole dump: pg_restore: error: could not uncompress data/,
    );
  });
});

/** The middle of the longest run between zlib stream headers (78 9c): inside the biggest table's data. */
function middleOfLargestZlibStream(buf: Buffer): number {
  const starts: number[] = [];
  for (let i = buf.indexOf('789c', 0, 'hex'); i >= 0; i = buf.indexOf('789c', i + 1, 'hex')) starts.push(i);
  let best = { from: 0, length: 0 };
  starts.forEach((from, k) => {
    const length = (starts[k + 1] ?? buf.length) - from;
    if (length > best.length) best = { from, length };
  });
  return best.from + Math.floor(best.length / 2);
}
