import { readFileSync, writeFileSync } from 'node:fs';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObservationError } from '../../src/checks/authoring/errors.ts';
import { mysqlRestoreFailure, pgRestoreFailure } from '../../src/checks/backup/restore-errors.ts';
import { takeBackup } from '../../src/checks/backup/take-backup.ts';
import { verifyBackup } from '../../src/checks/backup/verify-backup.ts';
import { manifestFor, tempDirs } from './helpers.ts';
import { mysqlScratchLeft } from './mysql-helpers.ts';
import { pgScratchLeft } from './pg-helpers.ts';
import {
  createMysqlDatabase,
  createPgDatabase,
  MYSQL_ADMIN_URL,
  mysqlQuery,
  PG_ADMIN_URL,
  pgQuery,
  type TestDatabase,
  uniqueName,
} from './servers.ts';

const dirs = tempDirs();
const dbs: TestDatabase[] = [];
const roles: string[] = [];

afterAll(async () => {
  for (const db of dbs) await db.drop();
  for (const role of roles) await pgQuery(PG_ADMIN_URL, `DROP ROLE IF EXISTS "${role}"`);
  dirs.cleanup();
});

/** Rewrites a backup's bytes and recomputes its manifest over them (as a tool would have written it). */
async function rewrite(path: string, edit: (sql: string) => string, good: Parameters<typeof manifestFor>[1]) {
  writeFileSync(path, edit(readFileSync(path, 'utf8')));
  await manifestFor(path, good, 'manifest recomputed over the bad file');
}

describe('MariaDB: a DEFINER object under the restricted restore user', () => {
  let source: TestDatabase;
  beforeAll(async () => {
    source = await createMysqlDatabase('rollgate_definer');
    dbs.push(source);
    const q = (sql: string) => mysqlQuery(source.url, sql);
    await q('CREATE TABLE t (id INT PRIMARY KEY) ENGINE=InnoDB');
    await q('INSERT INTO t VALUES (1), (2)');
    await q(
      'CREATE DEFINER=`root`@`localhost` TRIGGER t_guard BEFORE INSERT ON t FOR EACH ROW SET NEW.id = NEW.id',
    );
    await q('CREATE DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW v AS SELECT id FROM t');
  });

  it('is refused for a privilege, quoting the server and naming the fix, not "could not reach"', async () => {
    const taken = await takeBackup({ databaseUrl: source.url, dir: dirs.make() });
    const r = await verifyBackup({ backup: taken.path, scratchUrl: MYSQL_ADMIN_URL });
    expect(r.status).toBe('failed');
    expect(r.reason).not.toContain('could not reach');
    expect(r.reason).toMatch(
      /^restore refused for a privilege: mariadb: ERROR 1227 \(42000\) at line (\d+): Access denied; you need \(at least one of\) the SUPER, SET USER privilege\(s\) for this operation\. The dump sets DEFINER=`root`@`localhost` \(line \1\); the restore runs as a user with privileges on the scratch schema only, which may not create objects for another account\. Fix: take the dump without DEFINER clauses/,
    );
    expect(r.reason).toContain("sed -E 's/ DEFINER=`[^`]*`@`[^`]*`//g'");
    expect(await mysqlScratchLeft()).toEqual([]);

    // The fix it names works: the same dump without DEFINER clauses restores and verifies.
    await rewrite(taken.path, (sql) => sql.replace(/ DEFINER=`[^`]*`@`[^`]*`/g, ''), taken.manifest);
    const fixed = await verifyBackup({ backup: taken.path, scratchUrl: MYSQL_ADMIN_URL });
    expect(fixed.reason).toMatch(/CHECK TABLE ok; 1 table\(s\) match the manifest/);
    expect(fixed.status).toBe('passed');
  });
});

describe('PostgreSQL: objects only a superuser or another role may create', () => {
  it('an extension that needs a superuser is refused for a privilege, with the HINT and the fix', async () => {
    const source = await createPgDatabase('rollgate_ext');
    dbs.push(source);
    await pgQuery(source.url, 'CREATE EXTENSION dblink');
    await pgQuery(source.url, 'CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)');
    const taken = await takeBackup({ databaseUrl: source.url, dir: dirs.make(), format: 'pg-custom' });
    const r = await verifyBackup({ backup: taken.path, scratchUrl: PG_ADMIN_URL });
    expect(r.status).toBe('failed');
    expect(r.reason).toBe(
      'restore refused for a privilege: pg_restore: error: could not execute query: ERROR:  permission denied to create extension "dblink" (HINT: Must be superuser to create this extension.). Extension "dblink" needs a superuser to create, and the restore runs as a role that is not one (it owns only the scratch database). Fix: take the dump without it (pg_dump --exclude-extension=dblink, PostgreSQL 17+) and have the restore target provide it, or use a trusted extension, which a database owner may create',
    );
    expect(await pgScratchLeft()).toEqual([]);
  });

  it('a plain dump that hands tables to another role is refused for a privilege, naming --no-owner', async () => {
    const source = await createPgDatabase('rollgate_owner');
    dbs.push(source);
    const role = uniqueName('rollgate_app');
    roles.push(role);
    await pgQuery(PG_ADMIN_URL, `CREATE ROLE "${role}"`);
    await pgQuery(source.url, `CREATE TABLE t (id int PRIMARY KEY); ALTER TABLE t OWNER TO "${role}"`);
    const taken = await takeBackup({ databaseUrl: source.url, dir: dirs.make(), format: 'pg-plain' });
    // The same database dumped as plain pg_dump does by default: with owners and grants.
    const { stdout } = await execa('pg_dump', ['--format=plain', source.url]);
    await rewrite(taken.path, () => `${stdout}\n`, taken.manifest);
    const r = await verifyBackup({ backup: taken.path, scratchUrl: PG_ADMIN_URL });
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(
      new RegExp(
        `^restore refused for a privilege: psql:${taken.path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+: ERROR:  must be member of role "${role}"\\. The dump gives objects or grants to role "${role}", which the restore role may not\\. Fix: take plain dumps with pg_dump --no-owner --no-privileges`,
      ),
    );
    expect(await pgScratchLeft()).toEqual([]);
  });
});

describe('restore errors that are not about the backup stay "could not observe"', () => {
  it('MariaDB: unreachable and refused logins are errors of observation; refusals are failures', () => {
    expect(() =>
      mysqlRestoreFailure("ERROR 2002 (HY000): Can't connect to server on '127.0.0.1' (115)"),
    ).toThrow(
      new ObservationError(
        "mariadb could not reach the scratch server: ERROR 2002 (HY000): Can't connect to server on '127.0.0.1' (115)",
      ),
    );
    expect(() =>
      mysqlRestoreFailure("ERROR 1045 (28000): Access denied for user 'r'@'127.0.0.1' (using password: YES)"),
    ).toThrow(/^the scratch server refused the restore user's login: mariadb: ERROR 1045/);
    expect(() =>
      mysqlRestoreFailure(
        "ERROR 1044 (42000): Access denied for user 'r'@'%' to database 'rollgate_scratch_x'",
      ),
    ).toThrow(/^the scratch server refused the restore user's login: mariadb: ERROR 1044/);
    expect(
      mysqlRestoreFailure("ERROR 1044 (42000) at line 9: Access denied for user 'r'@'%' to database 'other'"),
    ).toMatch(
      /^restore refused for a privilege: mariadb: ERROR 1044 .*Fix: take the dump of that one database/,
    );
    expect(mysqlRestoreFailure('ERROR 1064 (42000) at line 3: You have an error in your SQL syntax')).toBe(
      'restore failed: mariadb: ERROR 1064 (42000) at line 3: You have an error in your SQL syntax',
    );
  });

  it('PostgreSQL: unreachable and refused logins are errors of observation', () => {
    expect(() =>
      pgRestoreFailure(
        'pg_restore',
        'pg_restore: error: connection to server at "127.0.0.1", port 1 failed: Connection refused',
        '',
      ),
    ).toThrow(/^pg_restore could not reach the scratch server: .*Connection refused$/);
    expect(() =>
      pgRestoreFailure(
        'psql',
        'psql: error: connection to server at "127.0.0.1", port 5432 failed: FATAL:  role "r" does not exist',
        '',
      ),
    ).toThrow(/^the scratch server refused the restore role's login: psql: error: /);
  });
});
