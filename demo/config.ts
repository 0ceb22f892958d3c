import { readFileSync } from 'node:fs';
import { parseFaultList, resolveFaults } from './faults.ts';
import type { DemoOptions } from './server.ts';
import { telemetryInfo } from './telemetry.ts';

export class DemoConfigError extends Error {
  readonly code = 'DEMO_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'DemoConfigError';
  }
}

export const DEFAULT_PORT = 4173;
export const DEFAULT_DATABASE_URL = 'sqlite:.demo-data/demo.sqlite';

/** rollgate's own version, found relative to this file so it works from any working directory. */
export function readPackageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version?: unknown;
  };
  if (typeof pkg.version !== 'string') throw new DemoConfigError('package.json has no "version" field');
  return pkg.version;
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_PORT;
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || port > 65535) {
    throw new DemoConfigError(`PORT="${value}" is not a port number (0-65535; 0 picks a free port)`);
  }
  return port;
}

/**
 * Reads the demo's environment: PORT, DEMO_DATABASE_URL, DEMO_VERSION, DEMO_ENVIRONMENT,
 * DEMO_FAULTS, DEMO_ROLE, DEMO_CANARY_FAULTS, SESSION_SECRET, and what the telemetry reports
 * (DEMO_BUILD_COMMIT, DEMO_BUILT_AT, the integrations' credentials: `telemetry.ts`), DEMO_ADMIN_TOKEN
 * (the maintenance endpoints: `maintenance.ts`) and DEMO_RESTART_AFTER_MS (the restart fault: `restart.ts`).
 * Every problem throws here, before anything starts. DEMO_CANARY_FAULTS apply only to the instance started with DEMO_ROLE=canary, so
 * a canary stage with a baseline instance can break the canary alone.
 */
export function readDemoConfig(env: NodeJS.ProcessEnv = process.env): DemoOptions & { port: number } {
  const role = env.DEMO_ROLE?.trim() ?? '';
  if (!['', 'canary', 'baseline'].includes(role)) {
    throw new Error(`DEMO_ROLE is "${role}": use canary, baseline or leave it unset`);
  }
  const faults = [
    ...parseFaultList(env.DEMO_FAULTS),
    ...(role === 'canary' ? parseFaultList(env.DEMO_CANARY_FAULTS) : []),
  ];
  resolveFaults(faults); // throws UnknownFaultError on a typo
  const options: DemoOptions & { port: number } = {
    port: parsePort(env.PORT),
    databaseUrl: env.DEMO_DATABASE_URL?.trim() || DEFAULT_DATABASE_URL,
    version: env.DEMO_VERSION?.trim() || readPackageVersion(),
    environment: env.DEMO_ENVIRONMENT?.trim() || 'demo',
    faults,
    telemetry: telemetryInfo(env),
  };
  if (env.SESSION_SECRET) options.sessionSecret = env.SESSION_SECRET;
  if (env.DEMO_ADMIN_TOKEN?.trim()) options.adminToken = env.DEMO_ADMIN_TOKEN.trim();
  const restartAfter = env.DEMO_RESTART_AFTER_MS?.trim();
  if (restartAfter) {
    if (!/^\d+$/.test(restartAfter) || Number(restartAfter) < 1)
      throw new DemoConfigError(
        `DEMO_RESTART_AFTER_MS="${restartAfter}" is not a positive number of milliseconds`,
      );
    options.restartAfterMs = Number(restartAfter);
  }
  if (role) options.role = role;
  return options;
}
