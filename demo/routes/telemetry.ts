import { statSync } from 'node:fs';
import type { Route } from '../context.ts';
import type { StoreInfo } from '../db/store.ts';
import { sendJson } from '../http.ts';
import { otherEnvironment } from '../telemetry.ts';

/** Bytes of an SQLite database on disk, its WAL included; null when there is no file to measure. */
function databaseBytes(info: StoreInfo): number | null {
  if (!info.file) return null;
  const size = (file: string) => statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  return size(info.file) + size(`${info.file}-wal`);
}

const integration = (configured: boolean) => ({
  configured,
  status: configured ? 'ok' : 'not-configured',
});

/**
 * `GET /api/telemetry`: what the app's telemetry widget shows, as JSON: the environment it runs in,
 * its build, whether its integrations are configured, its database and its process. The pages do
 * not report web vitals (rollgate measures them in a browser), and it says so.
 */
export const telemetryRoutes: Route[] = [
  {
    method: 'GET',
    path: '/api/telemetry',
    handler(ctx) {
      const { deps } = ctx;
      const info = deps.store.info();
      const memory = process.memoryUsage();
      sendJson(ctx.res, 200, {
        environment: deps.faults.telemetryWrongEnvironment
          ? otherEnvironment(deps.environment)
          : deps.environment,
        build: { version: deps.version, commit: deps.telemetry.commit, builtAt: deps.telemetry.builtAt },
        integrations: {
          salesforce: integration(deps.telemetry.salesforce),
          companycam: integration(deps.telemetry.companycam),
        },
        database: {
          engine: info.engine,
          persistent: info.persistent,
          journalMode: info.journalMode ?? null,
          sizeBytes: databaseBytes(info),
        },
        process: {
          rssBytes: memory.rss,
          heapUsedBytes: memory.heapUsed,
          uptimeSeconds: Math.round(process.uptime()),
        },
        webVitals: { reporting: false },
      });
    },
  },
];
