import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ObservationError } from '../../src/checks/authoring/errors.ts';
import { dbClientEnv } from '../../src/checks/probes/runtime-config.ts';
import { thrown } from './helpers.ts';

const PASSWORD = 'Pw-child-5rT9@x';
const ENCODED = encodeURIComponent(PASSWORD);

describe('dbClientEnv: passwords travel in the environment, never on the command line', () => {
  it('PostgreSQL: PGPASSWORD and PGSSLMODE in env; host, port, user in args', () => {
    const c = dbClientEnv(`postgres://app:${ENCODED}@db.internal:5433/estimates?sslmode=require`);
    expect(c).toEqual({
      engine: 'postgres',
      args: ['--host', 'db.internal', '--port', '5433', '--username', 'app', '--no-password'],
      env: { PGPASSWORD: PASSWORD, PGSSLMODE: 'require' },
      database: 'estimates',
    });
    expect(c.args.join(' ')).not.toContain(PASSWORD);
  });

  it('MariaDB/MySQL: MYSQL_PWD in env', () => {
    const c = dbClientEnv(`mysql://root:${ENCODED}@127.0.0.1:3306/app`);
    expect(c).toEqual({
      engine: 'mysql',
      args: ['--host=127.0.0.1', '--port=3306', '--user=root'],
      env: { MYSQL_PWD: PASSWORD },
      database: 'app',
    });
    expect(dbClientEnv('mariadb://app@db/app').env).toEqual({});
  });

  it('errors about a URL without repeating it', async () => {
    for (const url of [`redis://:${PASSWORD}@cache:6379`, `postgres://app:${PASSWORD} @ db`]) {
      const error = await thrown(() => dbClientEnv(url));
      expect(error).toBeInstanceOf(ObservationError);
      expect(error.message).not.toContain(PASSWORD);
    }
  });

  it('psql gets the password from the environment, and its failure message does not show it', async () => {
    const c = dbClientEnv(`postgres://postgres:${ENCODED}@127.0.0.1:5432/postgres`);
    const ok = await execa(
      'psql',
      [...c.args, '--dbname', c.database, '-tA', '-c', '\\getenv pw PGPASSWORD', '-c', "\\echo :'pw'"],
      {
        env: c.env,
      },
    );
    // The child read the password from its environment (quoted by psql's :'var' syntax).
    expect(ok.stdout.trim()).toBe(`'${PASSWORD}'`);
    expect(ok.command).not.toContain(PASSWORD);

    const bad = dbClientEnv(`postgres://postgres:${ENCODED}@127.0.0.1:5432/rollgate_no_such_db`);
    const failed = await execa('psql', [...bad.args, '--dbname', bad.database, '-c', 'select 1'], {
      env: bad.env,
      reject: false,
    });
    expect(failed.exitCode).not.toBe(0);
    expect(failed.message).toMatch(/rollgate_no_such_db/);
    expect(failed.message).not.toContain(PASSWORD);
  });

  it('mariadb uses MYSQL_PWD (the server sees a password), and the error does not show it', async () => {
    // root has no password here, so a password sent through the environment is refused: proof it arrived.
    const c = dbClientEnv(`mysql://root:${ENCODED}@127.0.0.1:3306/mysql`);
    const r = await execa('mariadb', [...c.args, '-e', 'select 1'], { env: c.env, reject: false });
    expect(r.stderr).toMatch(/Access denied for user 'root'@'127\.0\.0\.1' \(using password: YES\)/);
    expect(`${r.message}\n${r.command}`).not.toContain(PASSWORD);
  });
});
