import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { ObservationError } from '../authoring/errors.ts';
import { registerCleanup } from './cleanup-registry.ts';
import { mysqlClientConfig, type ServerTarget, serverUrl } from './connection.ts';
import type { Scratch } from './scratch.ts';
import { MARKER_TABLE, type ScratchNames } from './scratch-marker.ts';
import { singleFlight } from './single-flight.ts';
import { quoteMysqlIdent } from './take-mariadb.ts';

export async function mysqlAdmin(admin: ServerTarget): Promise<mysql.Connection> {
  try {
    const conn = await mysql.createConnection(mysqlClientConfig(admin, ''));
    conn.on('error', () => {});
    return conn;
  } catch (error) {
    throw new ObservationError(
      `scratch server unreachable: MariaDB at ${admin.host}:${admin.port}: ${(error as Error).message}`,
      'ROLLGATE_SCRATCH_UNREACHABLE',
    );
  }
}

/**
 * Drops the restore user (ending its sessions first: a killed client's statement may still hold
 * locks) and then the scratch schema. Absent ones are fine.
 */
export async function dropMysqlScratch(admin: ServerTarget, schema: string, user: string): Promise<void> {
  const conn = await mysqlAdmin(admin);
  try {
    const [rows] = await conn.query('SELECT ID AS id FROM information_schema.PROCESSLIST WHERE USER = ?', [
      user,
    ]);
    for (const { id } of rows as { id: number }[]) await conn.query(`KILL ${Number(id)}`).catch(() => {});
    const [hosts] = await conn.query('SELECT Host AS h FROM mysql.user WHERE User = ?', [user]);
    for (const { h } of hosts as { h: string }[]) await conn.query('DROP USER IF EXISTS ?@?', [user, h]);
    await conn.query(`DROP DATABASE IF EXISTS ${quoteMysqlIdent(schema)}`);
  } finally {
    await conn.end().catch(() => {});
  }
}

export interface MysqlScratch extends Scratch {
  restorer: ServerTarget;
}

/**
 * Creates the scratch schema with its marker table, then a user with privileges on that schema
 * only, for the host the server sees us from. The schema exists before the user and the user is
 * dropped before the schema, so a user never outlives its marked schema.
 */
export async function createMysqlScratch(admin: ServerTarget, names: ScratchNames): Promise<MysqlScratch> {
  const schema = names.database;
  const user = names.role;
  const password = randomBytes(18).toString('base64url');
  // One drop shared by the signal cleanup and the owner: two at once would race on the server.
  const drop = singleFlight(async () => {
    await dropMysqlScratch(admin, schema, user);
    unregister();
  });
  const unregister = registerCleanup(`MariaDB scratch schema ${schema}`, drop);
  const conn = await mysqlAdmin(admin).catch((error) => {
    unregister();
    throw error;
  });
  try {
    const m = names.marker;
    await conn.query(`CREATE DATABASE ${quoteMysqlIdent(schema)} CHARACTER SET utf8mb4`);
    await conn.query(
      `CREATE TABLE ${quoteMysqlIdent(schema)}.${MARKER_TABLE} (run_id VARCHAR(64) NOT NULL, pid INT NOT NULL, host VARCHAR(255) NOT NULL, created_at VARCHAR(40) NOT NULL)`,
    );
    await conn.query(`INSERT INTO ${quoteMysqlIdent(schema)}.${MARKER_TABLE} VALUES (?, ?, ?, ?)`, [
      m.runId,
      m.pid,
      m.host,
      m.at,
    ]);
    const [[me]] = (await conn.query("SELECT SUBSTRING_INDEX(USER(), '@', -1) AS host")) as unknown as [
      { host: string }[],
    ];
    await conn.query('CREATE USER ?@? IDENTIFIED BY ?', [user, me!.host, password]);
    await conn.query(`GRANT ALL PRIVILEGES ON ${quoteMysqlIdent(schema)}.* TO ?@?`, [user, me!.host]);
  } catch (error) {
    await conn.end().catch(() => {});
    await drop().catch(() => {});
    throw new ObservationError(`cannot create scratch schema ${schema}: ${(error as Error).message}`);
  }
  await conn.end().catch(() => {});
  const restorer: ServerTarget = { ...admin, user, password, database: schema };
  return { engine: 'mysql', name: schema, url: serverUrl(restorer), restorer, drop };
}
