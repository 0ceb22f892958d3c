import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ObservationError } from '../authoring/errors.ts';
import { registerCleanup } from './cleanup-registry.ts';
import { pgClientConfig, type ServerTarget, serverUrl } from './connection.ts';
import type { Scratch } from './scratch.ts';
import { markerText, type ScratchNames } from './scratch-marker.ts';
import { singleFlight } from './single-flight.ts';

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Connects to the admin database of the scratch server; refusal is "could not observe". */
export async function pgAdminClient(admin: ServerTarget): Promise<pg.Client> {
  const client = new pg.Client(pgClientConfig(admin, admin.database || 'postgres'));
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw new ObservationError(
      `scratch server unreachable: PostgreSQL at ${admin.host}:${admin.port}: ${(error as Error).message}`,
      'ROLLGATE_SCRATCH_UNREACHABLE',
    );
  }
  return client;
}

/** Drops a scratch database (terminating its sessions) and its role; absent ones are fine. */
export async function dropPgScratch(admin: ServerTarget, database: string, role: string): Promise<void> {
  const client = await pgAdminClient(admin);
  try {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
    await client.query(`DROP ROLE IF EXISTS ${quoteIdent(role)}`);
  } finally {
    await client.end().catch(() => {});
  }
}

export interface PgScratch extends Scratch {
  /** The restore role's connection, pointed at the scratch database. */
  restorer: ServerTarget;
}

/**
 * Creates the role (LOGIN, not superuser, cannot create databases or roles), then the scratch
 * database owned by it from template0, both commented with the rollgate marker. The drop is
 * registered before anything exists, so a signal at any point still cleans up.
 */
export async function createPgScratch(admin: ServerTarget, names: ScratchNames): Promise<PgScratch> {
  const { database, role } = names;
  const password = randomBytes(18).toString('base64url');
  // One drop shared by the signal cleanup and the owner: two DROPs at once fail each other.
  const drop = singleFlight(async () => {
    await dropPgScratch(admin, database, role);
    unregister();
  });
  const unregister = registerCleanup(`PostgreSQL scratch database ${database}`, drop);
  const client = await pgAdminClient(admin).catch((error) => {
    unregister();
    throw error;
  });
  const marker = markerText(names.marker).replaceAll("'", "''");
  try {
    await client.query(
      `CREATE ROLE ${quoteIdent(role)} LOGIN PASSWORD '${password}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS`,
    );
    await client.query(`COMMENT ON ROLE ${quoteIdent(role)} IS '${marker}'`);
    await client.query(
      `CREATE DATABASE ${quoteIdent(database)} OWNER ${quoteIdent(role)} TEMPLATE template0`,
    );
    await client.query(`COMMENT ON DATABASE ${quoteIdent(database)} IS '${marker}'`);
    await client.query(`REVOKE ALL ON DATABASE ${quoteIdent(database)} FROM PUBLIC`);
  } catch (error) {
    await client.end().catch(() => {});
    await drop().catch(() => {});
    throw new ObservationError(`cannot create scratch database ${database}: ${(error as Error).message}`);
  }
  await client.end().catch(() => {});
  const restorer: ServerTarget = { ...admin, user: role, password, database };
  return { engine: 'postgres', name: database, url: serverUrl(restorer), restorer, drop };
}
