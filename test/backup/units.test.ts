import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckFailure, ObservationError } from '../../src/checks/authoring/errors.ts';
import { mysqlToolArgs, parseServerUrl, pgToolEnv, serverUrl } from '../../src/checks/backup/connection.ts';
import { digestPath } from '../../src/checks/backup/digest.ts';
import { readManifest } from '../../src/checks/backup/manifest.ts';
import { MysqlScriptScanner } from '../../src/checks/backup/mysql-script-scan.ts';
import { OutcomeBuilder, withBudget } from '../../src/checks/backup/outcome.ts';
import { PgScriptScanner } from '../../src/checks/backup/pg-script-scan.ts';
import { runTool, runVerifyTool } from '../../src/checks/backup/run-tool.ts';
import { markerText, parseMarker, sweepDecision } from '../../src/checks/backup/scratch-marker.ts';
import { tempDirs } from './helpers.ts';

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

function scanPg(lines: string[]): PgScriptScanner {
  const s = new PgScriptScanner();
  for (const l of lines) s.push(l);
  return s;
}

function scanMysql(lines: string[]): MysqlScriptScanner {
  const s = new MysqlScriptScanner();
  for (const l of lines) s.push(l);
  return s;
}

describe('PostgreSQL script scanner', () => {
  it('sees backslashes in strings, dollar quotes, comments and COPY data as data', () => {
    const s = scanPg([
      '\\restrict abc',
      "SELECT 'a \\connect b', E'it\\'s \\! not', \"we\\ird\";",
      'CREATE FUNCTION f() RETURNS text AS $body$ SELECT $$\\connect x$$ $body$ LANGUAGE sql;',
      '/* \\! nested /* deeper */ still \\c */ SELECT 1; -- \\connect in a comment',
      'COPY public.t (a, b) FROM stdin;',
      '\\connect looks like a command but is a row',
      'CREATE DATABASE also a row',
      '\\.',
      '-- PostgreSQL database dump complete',
      '',
      '\\unrestrict abc',
    ]);
    expect(s.problems).toEqual([]);
    expect(s.trailer).toBe(true);
  });

  it('refuses \\connect, other meta-commands and CREATE/DROP DATABASE, with the line', () => {
    const s = scanPg([
      '\\c other',
      'SELECT 1; \\! rm -rf /',
      'create  database x;',
      'DROP DATABASE y;',
      'SELECT 1 \\g',
    ]);
    expect(s.problems).toEqual([
      'dump switches database: \\c at line 1',
      'dump runs a psql meta-command: \\! at line 2',
      'dump creates a database: create  database at line 3',
      'dump drops a database: DROP DATABASE at line 4',
      'dump runs a psql meta-command: \\g at line 5',
    ]);
  });

  it('reads raw output in chunks cut anywhere as it reads the same lines one by one', () => {
    const lines = [
      "SET client_encoding = 'UTF8';",
      'COPY public.t (a) FROM stdin;',
      'ünïcode row \\. not the end',
      '\\.x',
      '\\.',
      '\\connect after the data',
      'CREATE DATABASE q;',
      'COPY public.u (a) FROM stdin;',
      '\\connect in the data',
      '\\.',
      '-- PostgreSQL database dump complete',
    ];
    const byLine = scanPg(lines);
    expect(byLine.problems).toEqual([
      'dump switches database: \\connect at line 6',
      'dump creates a database: CREATE DATABASE at line 7',
    ]);
    const text = Buffer.from(`${lines.join('\r\n')}\n`);
    // Every cut, including inside the two bytes of a UTF-8 character and between \r and \n.
    for (let cut = 0; cut <= text.length; cut++) {
      const s = new PgScriptScanner();
      s.pushBytes(text.subarray(0, cut));
      s.pushBytes(text.subarray(cut));
      s.endBytes();
      expect([s.problems, s.trailer, s.lines]).toEqual([byLine.problems, true, lines.length]);
    }
    // Byte by byte, and a last line without its newline.
    const s = new PgScriptScanner();
    for (const byte of text.subarray(0, -1)) s.pushBytes(Buffer.from([byte]));
    s.endBytes();
    expect([s.problems, s.trailer, s.lines]).toEqual([byLine.problems, true, lines.length]);
  });

  it('needs the trailer at the end: content after it cancels it', () => {
    expect(scanPg(['-- PostgreSQL database dump complete', 'SELECT 1;']).trailer).toBe(false);
    expect(scanPg(['SELECT 1;']).trailer).toBe(false);
  });
});

describe('MariaDB script scanner', () => {
  it('reads rows, executable comments, the sandbox marker and DELIMITER blocks without complaint', () => {
    const s = scanMysql([
      '/*M!999999\\- enable the sandbox mode */ ',
      "INSERT INTO `t` VALUES (1,'USE x; \\\\ \\' \\u',\"CREATE DATABASE\"),(2,'a''b');",
      '/*!40101 SET NAMES utf8mb4 */;',
      'DELIMITER ;;',
      '/*!50003 CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW BEGIN SET @a = 1; SET @b = 2; END */;;',
      'DELIMITER ;',
      '# a comment with \\! in it',
      '-- Dump completed on 2026-01-01 10:00:00',
    ]);
    expect(s.problems).toEqual([]);
    expect(s.trailer).toBe(true);
  });

  it('refuses USE, CREATE DATABASE, client commands and long-form commands', () => {
    const s = scanMysql([
      'USE `other`;',
      'CREATE DATABASE /*!32312 IF NOT EXISTS*/ `x`;',
      'CREATE SCHEMA y;',
      'SELECT 1; \\! ls',
      'source /etc/passwd',
      'SELECT 1; use other;',
    ]);
    expect(s.problems).toEqual([
      'dump switches database: USE `other`; at line 1',
      'dump creates a database: CREATE DATABASE  IF NOT EXISTS at line 2',
      'dump creates a database: CREATE SCHEMA y at line 3',
      'dump runs a client command: \\! at line 4',
      'dump runs a client command: source at line 5',
      'dump switches database: use other at line 6',
    ]);
    expect(s.trailer).toBe(false);
  });
});

const RUNNERS = [
  ['runTool (execa)', runTool],
  ['runVerifyTool (child_process)', runVerifyTool],
] as const;

describe.each(RUNNERS)('tools through %s', (_name, run) => {
  it('a missing client tool is an observation error that says what to install', async () => {
    const error = await run('pg_restore_not_installed', ['--version']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObservationError);
    expect(error).toMatchObject({
      code: 'ROLLGATE_TOOL_MISSING',
      message: 'pg_restore_not_installed not found on PATH: install the client tools (postgresql-client)',
    });
  });

  it('drops inherited connection variables and passes only the ones given', async () => {
    const seen: string[] = [];
    process.env.PGPASSWORD = 'inherited-secret';
    try {
      // Shell parameter expansion, not a template string.
      const script = ['echo "$', '{PGPASSWORD:-none} $', '{PGHOST:-none}"'].join('');
      await run('sh', ['-c', script], {
        onLine: (l) => seen.push(l),
      });
      await run('sh', ['-c', 'echo "$PGPASSWORD"'], {
        env: { PGPASSWORD: 'given' },
        onLine: (l) => seen.push(l),
      });
    } finally {
      delete process.env.PGPASSWORD;
    }
    expect(seen).toEqual(['none none', 'given']);
  });

  it('feeds the input file, returns the exit code and the line of stderr that says what went wrong', async () => {
    const input = join(dirs.make(), 'input.sql');
    writeFileSync(input, 'one\r\ntwo\nthree');
    const seen: string[] = [];
    const r = await run('sh', ['-c', 'cat; echo "psql: error: it broke" >&2; echo later >&2; exit 3'], {
      inputFile: input,
      onLine: (l) => seen.push(l),
    });
    expect(seen).toEqual(['one', 'two', 'three']);
    expect(r).toEqual({
      exitCode: 3,
      stderr: 'psql: error: it broke\nlater',
      errorLine: 'psql: error: it broke',
    });
  });

  it('stops the tool when the signal aborts, and rejects with its reason', async () => {
    const controller = new AbortController();
    let pid = 0;
    const reason = new Error('budget spent');
    const error = await run('sh', ['-c', 'echo $$; exec sleep 60'], {
      signal: controller.signal,
      onLine: (l) => {
        pid = Number(l);
        controller.abort(reason);
      },
    }).catch((e: unknown) => e);
    expect(error).toBe(reason);
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });
});

describe('connections', () => {
  it('keep passwords out of command lines: environment only', () => {
    const t = parseServerUrl('mariadb://app:p%40ss@127.0.0.1:3307/shop?ssl=1');
    expect(t).toMatchObject({ engine: 'mysql', user: 'app', password: 'p@ss', port: 3307, database: 'shop' });
    const { args, env } = mysqlToolArgs(t);
    expect(args.join(' ')).not.toContain('p@ss');
    expect(env.MYSQL_PWD).toBe('p@ss');
    const pg = parseServerUrl('postgres://app:s3cret@127.0.0.1/app');
    expect(pgToolEnv(pg)).toMatchObject({
      PGPASSWORD: 's3cret',
      PGHOST: '127.0.0.1',
      PGPORT: '5432',
      PGDATABASE: 'app',
    });
    expect(pgToolEnv({ ...pg, password: undefined })).not.toHaveProperty('PGPASSWORD');
    expect(serverUrl(pg, { database: 'other' })).toBe('postgres://app:s3cret@127.0.0.1:5432/other');
  });
});

describe('manifests and digests', () => {
  it('digests a directory by its sorted files: a change in any file changes it', async () => {
    const dir = join(dirs.make(), 'dump.pgdir');
    mkdirSync(dir);
    writeFileSync(join(dir, 'toc.dat'), 'toc');
    writeFileSync(join(dir, '1.dat.gz'), 'data');
    const first = await digestPath(dir);
    expect(first.sizeBytes).toBe(7);
    writeFileSync(join(dir, '1.dat.gz'), 'dat4');
    expect((await digestPath(dir)).sha256).not.toBe(first.sha256);
  });

  it('rejects a manifest that is not JSON, not valid, or about another file', async () => {
    const dir = dirs.make();
    const backup = join(dir, 'b.sqlite');
    writeFileSync(backup, 'x');
    writeFileSync(`${backup}.manifest.json`, '{');
    await expect(readManifest(backup)).rejects.toThrow(
      new CheckFailure('manifest invalid: b.sqlite.manifest.json is not JSON'),
    );
    writeFileSync(`${backup}.manifest.json`, JSON.stringify({ manifestVersion: 1, engine: 'sqlite' }));
    await expect(readManifest(backup)).rejects.toThrow(
      /^manifest invalid: b\.sqlite\.manifest\.json: format /,
    );
  });
});

describe('scratch markers', () => {
  it('round-trip and refuse anything else', () => {
    const m = { runId: 'nightly_1', pid: 42, host: 'ci-1', at: '2026-01-01T00:00:00.000Z' };
    expect(markerText(m)).toBe('rollgate-scratch run=nightly_1 pid=42 host=ci-1 at=2026-01-01T00:00:00.000Z');
    expect(parseMarker(markerText(m))).toEqual(m);
    expect(parseMarker('scratch of someone else')).toBeUndefined();
    expect(parseMarker(null)).toBeUndefined();
  });

  it('are swept only when old, local and dead', () => {
    const now = new Date('2026-01-01T02:00:00Z');
    const base = { runId: 'r', pid: 7, host: 'h', at: '2026-01-01T00:00:00Z' };
    const opts = { now, olderThanMs: 3600e3, host: 'h', alive: () => false };
    expect(sweepDecision(base, opts)).toEqual({ drop: true });
    expect(sweepDecision(base, { ...opts, alive: () => true }).drop).toBe(false);
    expect(sweepDecision({ ...base, at: '2026-01-01T01:30:00Z' }, opts).drop).toBe(false);
    expect(sweepDecision({ ...base, host: 'x' }, opts).drop).toBe(false);
  });
});

describe('withBudget', () => {
  it('a verification stopped at its budget never passes, even when the clock rounds to the budget', async () => {
    for (const budgetMs of [1, 5, 20]) {
      const out = new OutcomeBuilder();
      // The body waits for the stop: it cannot finish, whatever the elapsed time rounds to.
      await withBudget(
        out,
        budgetMs,
        (signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve())),
      );
      const m = out.measurements.find((x) => x.name === 'verify-duration')!;
      expect(m).toMatchObject({
        passed: false,
        expected: budgetMs,
        note: 'stopped at the time budget: the verification did not finish',
      });
      expect(out.finish('done').status).toBe('failed');
    }
  });

  it('a verification that finishes within its budget passes it', async () => {
    const out = new OutcomeBuilder();
    await withBudget(out, 60_000, async () => {});
    expect(out.measurements.find((x) => x.name === 'verify-duration')).toMatchObject({ passed: true });
  });
});
