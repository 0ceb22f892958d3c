import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Store } from './db/store.ts';
import type { FaultPlan } from './faults.ts';
import type { MaintenanceMode } from './maintenance.ts';
import type { DemoMetrics } from './metrics.ts';
import type { TelemetryInfo } from './telemetry.ts';

/** What every handler may use; built once per server. */
export interface AppDeps {
  store: Store;
  faults: FaultPlan;
  /** The version as reported (already altered by the `wrong-version` fault when active). */
  version: string;
  environment: string;
  /** Keys the CSRF tokens; random per process unless SESSION_SECRET is given. */
  secret: string;
  metrics: DemoMetrics;
  /** Maintenance mode of this process and the admin token that switches it (`maintenance.ts`). */
  maintenance: MaintenanceMode;
  /** Build and integrations as `/api/telemetry` reports them (`telemetry.ts`). */
  telemetry: TelemetryInfo;
}

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  deps: AppDeps;
  https: boolean;
}

export type Handler = (ctx: RequestContext) => Promise<void> | void;

export interface Route {
  method: 'GET' | 'POST';
  /** Exact path; also the `route` label in metrics. */
  path: string;
  handler: Handler;
}
