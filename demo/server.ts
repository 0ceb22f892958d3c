import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequestListener } from './app.ts';
import { readPackageVersion } from './config.ts';
import { openMemoryStore } from './db/memory.ts';
import { openStore } from './db/open-store.ts';
import type { Store } from './db/store.ts';
import { parseDatabaseUrl } from './db/url.ts';
import { cacheEstimates } from './estimates-cache.ts';
import { reportedVersion, resolveFaults } from './faults.ts';
import { createMaintenanceMode } from './maintenance.ts';
import { createMetrics } from './metrics.ts';
import { scheduleRestart } from './restart.ts';
import { allRoutes } from './routes/index.ts';
import { assertSessionSecret, randomSecret } from './security.ts';
import { type TelemetryInfo, telemetryInfo } from './telemetry.ts';

export interface DemoOptions {
  /** 0 (the default here) picks a free port. */
  port?: number;
  /** A loopback address only; default 127.0.0.1. */
  host?: string;
  /** `sqlite:<path>`, `sqlite:///<abs>`, `file:<path>[?mode=wal]`, a `*.sqlite` / `*.db` path, `postgres://…` or `mysql://…` / `mariadb://…`; `:memory:` is refused. */
  databaseUrl: string;
  /** Default: the `version` of rollgate's package.json. */
  version?: string;
  /** Default: `demo`. */
  environment?: string;
  /** Fault names (see `faults.ts`); an unknown name throws before anything starts. */
  faults?: string[];
  /** Keys CSRF tokens; default random per server. At least 16 characters. */
  sessionSecret?: string;
  /** DEMO_ROLE (`canary`, `baseline`): the `role` label on every metric; default `primary`. */
  role?: string;
  /** DEMO_ADMIN_TOKEN: the bearer token of `POST /admin/maintenance/*`; without it they answer 404. */
  adminToken?: string;
  /** DEMO_RESTART_AFTER_MS: when the `restart` fault takes the server away (default 3000). */
  restartAfterMs?: number;
  /** What `/api/telemetry` reports of the build and the integrations; default: nothing configured. */
  telemetry?: TelemetryInfo;
}

export interface DemoServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  port: number;
  /** Stops accepting, drops idle keep-alive connections, closes the database. Idempotent. */
  close(): Promise<void>;
}

const CLOSE_GRACE_MS = 2000;
const LOOPBACK = /^(127(\.\d{1,3}){3}|::1|localhost)$/;

/** Opens the database named by `databaseUrl`, then serves the demo on it. */
export async function startDemo(opts: DemoOptions): Promise<DemoServer> {
  // Validate everything cheap before touching the database file.
  const plan = resolveFaults(opts.faults);
  checkHost(opts.host);
  if (opts.sessionSecret !== undefined) assertSessionSecret(opts.sessionSecret);
  let store: Store;
  if (plan.memoryDatabase) {
    // The memory-db fault ignores the URL once it is known to be valid: a bad one is refused alike.
    parseDatabaseUrl(opts.databaseUrl);
    store = await openMemoryStore();
  } else store = await openStore(opts.databaseUrl);
  try {
    return await serveDemo(store, opts);
  } catch (error) {
    await store.close();
    throw error;
  }
}

/**
 * Serves the demo on an already open store, which the returned server then owns and closes.
 * The seam for tests that need to act on the store (e.g. close it to see health turn 503).
 */
export async function serveDemo(
  store: Store,
  opts: Omit<DemoOptions, 'databaseUrl'> = {},
): Promise<DemoServer> {
  const faults = resolveFaults(opts.faults);
  const host = checkHost(opts.host);
  const secret = opts.sessionSecret ?? randomSecret();
  assertSessionSecret(secret);
  const version = reportedVersion(faults, opts.version ?? readPackageVersion());
  const routes = allRoutes();
  const metrics = createMetrics({
    role: opts.role || 'primary',
    version,
    routes,
    connectionsInUse: () => store.connectionsInUse(),
  });
  const deps = {
    store: cacheEstimates(store, { onHit: metrics.cacheHit, onMiss: metrics.cacheMiss }),
    faults,
    version,
    environment: opts.environment ?? 'demo',
    secret,
    metrics,
    maintenance: createMaintenanceMode(opts.adminToken),
    telemetry: opts.telemetry ?? telemetryInfo({}),
  };
  const server = createServer(createRequestListener(deps, routes));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const restart =
    faults.restartAfterMs > 0
      ? scheduleRestart(server, { afterMs: opts.restartAfterMs ?? faults.restartAfterMs, port, host })
      : undefined;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close() {
      closing ??= (async () => {
        restart?.cancel();
        await new Promise<void>((resolve) => {
          // In-flight requests get a short grace period; a keep-alive client must not hold
          // shutdown open until its idle timeout.
          const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
          server.close(() => {
            clearTimeout(force);
            resolve();
          });
          server.closeIdleConnections();
        });
        metrics.close();
        await store.close();
      })();
      return closing;
    },
  };
}

function checkHost(host = '127.0.0.1'): string {
  // The demo is a test target with a known password: it must never be reachable from the network.
  if (!LOOPBACK.test(host))
    throw new Error(`host "${host}" is not a loopback address; the demo listens on 127.0.0.1 only`);
  return host;
}
