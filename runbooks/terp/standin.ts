/**
 * The TERP stand-in: rollgate's demo app (an estimates app standing in for TERP's orders) on
 * MariaDB, started with TERP's own variable names.
 *
 * - `DATABASE_URL` (as TERP's migrations read it): a `mysql://` URL. When its database is missing
 *   and its name starts with `terp_standin`, it is created; a database of any other name is never
 *   created or touched here (the drill's scratch copy, for one, already exists).
 * - `ADMIN_TOKEN` (as the plan's maintenance calls send it): the bearer token of
 *   `POST /admin/maintenance/enable|disable`, passed to the demo as `DEMO_ADMIN_TOKEN`.
 *
 * Then the demo starts as `npm run demo` would, and prints its one ready line.
 */
import mysql from 'mysql2/promise';

const STANDIN_DATABASE = /^terp_standin[a-z0-9_]*$/;

function fail(message: string): never {
  process.stderr.write(`terp stand-in: cannot start: ${message}\n`);
  process.exit(2);
}

const url = process.env.DATABASE_URL?.trim();
if (!url)
  fail(
    'DATABASE_URL is not set; give it the MariaDB database, e.g. mysql://root@127.0.0.1:3306/terp_standin',
  );

let parsed: URL;
try {
  parsed = new URL(url);
} catch {
  fail('DATABASE_URL is not a URL; expected mysql://user@host:3306/terp_standin');
}
if (!/^(mysql|mariadb):$/.test(parsed.protocol))
  fail(`DATABASE_URL uses ${parsed.protocol}, but TERP runs on MySQL: give a mysql:// URL`);
const name = decodeURIComponent(parsed.pathname.replace(/^\//, ''));

if (STANDIN_DATABASE.test(name)) {
  // Connect to the server without a database, so a missing one can be created.
  const server = new URL(parsed.href.replace(/^mariadb:/, 'mysql:'));
  server.pathname = '/';
  try {
    const connection = await mysql.createConnection({ uri: server.href, connectTimeout: 10_000 });
    try {
      await connection.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4`);
    } finally {
      await connection.end();
    }
  } catch (error) {
    fail(`creating database ${name} on ${parsed.host}: ${(error as Error).message}`);
  }
}

process.env.DEMO_DATABASE_URL = url;
if (process.env.ADMIN_TOKEN && !process.env.DEMO_ADMIN_TOKEN)
  process.env.DEMO_ADMIN_TOKEN = process.env.ADMIN_TOKEN;
await import('../../demo/main.ts');
