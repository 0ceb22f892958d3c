import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  pendingCleanups,
  registerCleanup,
  runScratchCleanups,
} from '../../src/checks/backup/cleanup-registry.ts';
import { parseServerUrl } from '../../src/checks/backup/connection.ts';
import { createMysqlScratch } from '../../src/checks/backup/scratch-mariadb.ts';
import { scratchNames } from '../../src/checks/backup/scratch-marker.ts';
import { createPgScratch } from '../../src/checks/backup/scratch-postgres.ts';
import { singleFlight } from '../../src/checks/backup/single-flight.ts';
import { mysqlScratchLeft, mysqlUserExists } from './mysql-helpers.ts';
import { pgScratchLeft } from './pg-helpers.ts';
import { MYSQL_ADMIN_URL, PG_ADMIN_URL } from './servers.ts';

afterEach(() => vi.restoreAllMocks());

/** What rollgate writes on stderr while `body` runs. */
async function stderrDuring(body: () => Promise<unknown>): Promise<string> {
  const lines: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await body();
  } finally {
    vi.restoreAllMocks();
  }
  return lines.join('');
}

describe('single-flight clean-up', () => {
  it('runs once for concurrent and later calls, and again only after a failure', async () => {
    let runs = 0;
    let fail = true;
    const drop = singleFlight(async () => {
      runs++;
      await new Promise((r) => setImmediate(r));
      if (fail) throw new Error('server busy');
    });
    const first = await Promise.allSettled([drop(), drop()]);
    expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(runs).toBe(1);
    fail = false;
    await Promise.all([drop(), drop(), drop()]);
    await drop();
    expect(runs).toBe(2);
  });

  it('the signal handler and the owner racing run one drop and warn about nothing', async () => {
    let runs = 0;
    const drop = singleFlight(async () => {
      runs++;
      await new Promise((r) => setImmediate(r));
      if (runs > 1) throw new Error('already dropped');
      unregister();
    });
    const unregister = registerCleanup('test scratch', drop);
    const printed = await stderrDuring(() => Promise.all([runScratchCleanups(), drop()]));
    expect(runs).toBe(1);
    expect(printed).toBe('');
    expect(pendingCleanups()).not.toContain('test scratch');
  });
});

describe('two clean-ups racing after Ctrl-C on real servers', () => {
  // Before the clean-up was single-flight, PostgreSQL failed about one race in three with
  // "could not drop PostgreSQL scratch database …: tuple concurrently deleted": a few rounds each.
  it.each([1, 2, 3])('PostgreSQL, round %i: dropped once, no "could not drop" warning', async () => {
    const scratch = await createPgScratch(parseServerUrl(PG_ADMIN_URL), scratchNames('race'));
    expect(await pgScratchLeft()).toContain(scratch.name);
    const printed = await stderrDuring(() =>
      Promise.all([runScratchCleanups(), scratch.drop(), scratch.drop()]),
    );
    expect(printed).not.toContain('could not drop');
    expect(printed).toBe('');
    expect(await pgScratchLeft()).toEqual([]);
    expect(pendingCleanups()).toEqual([]);
  });

  it.each([1, 2, 3])('MariaDB, round %i: dropped once, no "could not drop" warning', async () => {
    const scratch = await createMysqlScratch(parseServerUrl(MYSQL_ADMIN_URL), scratchNames('race'));
    const user = scratch.url.match(/^mysql:\/\/([^:]+):/)?.[1];
    expect(user).toMatch(/^rollgate_restore_/);
    const printed = await stderrDuring(() =>
      Promise.all([runScratchCleanups(), scratch.drop(), scratch.drop()]),
    );
    expect(printed).toBe('');
    expect(await mysqlScratchLeft()).toEqual([]);
    expect(await mysqlUserExists(user!)).toBe(false);
    expect(pendingCleanups()).toEqual([]);
  });
});
