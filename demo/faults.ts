/**
 * Injected faults: the demo's way of being a broken release on purpose, so every gate can be
 * proven both ways (healthy demo → PROMOTE, each fault → HOLD with the right reason).
 *
 * All fault behaviour is declared here as a change to {@link FaultEffects}; the rest of the app
 * only reads the plan. Adding a fault (cors-reflect, no-rate-limit, no-csrf, leaky-config,
 * error-rate-5, slow-lcp, memory-leak, connection-leak, route-errors…) means adding a field with
 * its healthy default and one registry entry.
 */

/** What the running app does differently from a healthy release. Defaults are the healthy values. */
export interface FaultEffects {
  /** Answer 500 on every route, before routing. */
  readonly forceServerError: boolean;
  /** Minimum time before any response is sent, in milliseconds. */
  readonly minDelayMs: number;
  /** Send the security headers (CSP, nosniff, frame options…). */
  readonly securityHeaders: boolean;
  /** Appended to the version everywhere it is reported, so it no longer matches the release. */
  readonly versionSuffix: string;
  /** The effective config written at start-up carries a credentialed database URL (`effective-config.ts`). */
  readonly leakyConfig: boolean;
  /** Reflect any Origin with Access-Control-Allow-Credentials: true (`cors.ts`). */
  readonly corsReflect: boolean;
  /** Enforce the per-client, per-route rate limits (`rate-limit.ts`). */
  readonly rateLimit: boolean;
  /** Refuse state-changing forms without the session's CSRF token (`session.ts`). */
  readonly csrfProtection: boolean;
  /**
   * When above 0, the golden-path pages (/login, /estimates) load a hero script that arrives this
   * many ms late and then paints the page's largest element (`pages/layout.ts`, `routes/static.ts`).
   */
  readonly lateHeroMs: number;
  /** Answer 500 to every Nth request (0: never); the login form is spared so sessions still start. */
  readonly errorEvery: number;
  /** Bytes each request allocates and keeps forever (0: none), so resident memory grows with traffic (`app.ts`). */
  readonly retainBytesPerRequest: number;
  /**
   * Route (path) whose every request opens a real database connection outside the pool and never
   * closes it (`app.ts`, `db/kysely-store.ts`); null: none.
   */
  readonly leakConnectionRoute: string | null;
  /** Routes (paths) that answer 500 to every request, whatever the method. */
  readonly errorRoutes: readonly string[];
  /**
   * When above 0, this many ms after start the server goes away (refusing and dropping connections)
   * for RESTART_DOWN_MS and listens again on the same port (`restart.ts`); DEMO_RESTART_AFTER_MS overrides it.
   */
  readonly restartAfterMs: number;
  /** `POST /admin/maintenance/disable` answers 200 and leaves maintenance mode on (`maintenance.ts`). */
  readonly maintenanceStuck: boolean;
  /**
   * Open an in-memory SQLite database whatever the database URL says (`db/memory.ts`): every record
   * dies with the process, and health and telemetry report `persistent: false`.
   */
  readonly memoryDatabase: boolean;
  /** `/api/telemetry` reports another environment than the one the demo runs in (`routes/telemetry.ts`). */
  readonly telemetryWrongEnvironment: boolean;
  /** Serve the key set at `/.well-known/jwks.json`; off, it answers 404, as when a rewrite is lost. */
  readonly jwks: boolean;
  /**
   * Pages keep WCAG 2.1 AA markup: labelled form fields, text alternatives. Off, the header's brand
   * is a logo image without alt text and the login form's fields lose their labels (`pages/*.ts`).
   */
  readonly accessibleMarkup: boolean;
}

export interface FaultPlan extends FaultEffects {
  /** Fault names that produced this plan, in the order given, without duplicates. */
  readonly names: readonly FaultName[];
}

interface FaultDefinition {
  readonly description: string;
  readonly apply: (effects: FaultEffects) => FaultEffects;
}

const HEALTHY: FaultEffects = {
  forceServerError: false,
  minDelayMs: 0,
  securityHeaders: true,
  versionSuffix: '',
  leakyConfig: false,
  corsReflect: false,
  rateLimit: true,
  csrfProtection: true,
  lateHeroMs: 0,
  errorEvery: 0,
  retainBytesPerRequest: 0,
  leakConnectionRoute: null,
  errorRoutes: [],
  restartAfterMs: 0,
  maintenanceStuck: false,
  memoryDatabase: false,
  telemetryWrongEnvironment: false,
  jwks: true,
  accessibleMarkup: true,
};

/** Slow enough to break any sane p95 budget, short enough to keep tests quick. */
export const SLOW_FAULT_DELAY_MS = 800;

/** Late enough to push LCP well past a 2.5 s budget; healthy pages paint in a few hundred ms. */
export const SLOW_LCP_DELAY_MS = 3000;

/** What the memory-leak fault keeps per request: 1,000 requests hold ~64 MB. */
export const MEMORY_LEAK_BYTES = 64 * 1024;

/** Where the leak stops growing, so a long load (tens of thousands of requests) cannot exhaust the machine. */
export const MEMORY_LEAK_CAP_BYTES = 512 * 1024 * 1024;

/**
 * The connection-leak fault's route: the deep health check "tests connectivity" on a connection of
 * its own and forgets to close it, the classic leak a monitor's polling turns into exhaustion.
 */
export const CONNECTION_LEAK_ROUTE = '/api/health';

/** When the restart fault takes the server away, unless DEMO_RESTART_AFTER_MS says otherwise. */
export const RESTART_AFTER_MS = 3000;

/** The route-errors fault's route: the signed-in estimates page and its form. */
export const ROUTE_ERRORS_ROUTE = '/estimates';

const FAULTS = {
  'server-errors': {
    description: 'every page and API route (health and login included) answers 500',
    apply: (plan) => ({ ...plan, forceServerError: true }),
  },
  slow: {
    description: `every response is delayed by at least ${SLOW_FAULT_DELAY_MS} ms`,
    apply: (plan) => ({ ...plan, minDelayMs: Math.max(plan.minDelayMs, SLOW_FAULT_DELAY_MS) }),
  },
  'no-security-headers': {
    description: 'no CSP, X-Content-Type-Options, X-Frame-Options, Referrer-Policy or COOP headers',
    apply: (plan) => ({ ...plan, securityHeaders: false }),
  },
  'wrong-version': {
    description: 'the reported version is "<version>-wrong", not the release under test',
    apply: (plan) => ({ ...plan, versionSuffix: '-wrong' }),
  },
  'leaky-config': {
    description: 'the effective config file written at start-up carries a credentialed database URL',
    apply: (plan) => ({ ...plan, leakyConfig: true }),
  },
  'cors-reflect': {
    description: 'any Origin is reflected in Access-Control-Allow-Origin with Allow-Credentials: true',
    apply: (plan) => ({ ...plan, corsReflect: true }),
  },
  'no-rate-limit': {
    description: 'rate limits are off: /api/rate-probe never answers 429',
    apply: (plan) => ({ ...plan, rateLimit: false }),
  },
  'error-rate-5': {
    description: '5% of responses are 500: every 20th (one due on the login form goes to the next request)',
    apply: (plan) => ({ ...plan, errorEvery: 20 }),
  },
  'slow-lcp': {
    description: `/login and /estimates paint their largest element (a hero text) ${SLOW_LCP_DELAY_MS} ms late`,
    apply: (plan) => ({ ...plan, lateHeroMs: SLOW_LCP_DELAY_MS }),
  },
  'no-csrf': {
    description: 'CSRF tokens are not enforced: forms without the session token are accepted',
    apply: (plan) => ({ ...plan, csrfProtection: false }),
  },
  'memory-leak': {
    description: `every request keeps ${MEMORY_LEAK_BYTES / 1024} KB that is never freed (up to ${MEMORY_LEAK_CAP_BYTES / 1024 / 1024} MB): resident memory grows with traffic`,
    apply: (plan) => ({
      ...plan,
      retainBytesPerRequest: Math.max(plan.retainBytesPerRequest, MEMORY_LEAK_BYTES),
    }),
  },
  'connection-leak': {
    description: `every request to ${CONNECTION_LEAK_ROUTE} opens a database connection that is never closed: demo_db_connections_in_use climbs`,
    apply: (plan) => ({ ...plan, leakConnectionRoute: CONNECTION_LEAK_ROUTE }),
  },
  'route-errors': {
    description: `every request to ${ROUTE_ERRORS_ROUTE} (the estimates page and its form) answers 500; other routes work`,
    apply: (plan) => ({ ...plan, errorRoutes: [...new Set([...plan.errorRoutes, ROUTE_ERRORS_ROUTE])] }),
  },
  a11y: {
    description:
      'pages break WCAG 2.1 AA: the header brand is a logo image without alt text (every page) and the login fields have no labels',
    apply: (plan) => ({ ...plan, accessibleMarkup: false }),
  },
  'memory-db': {
    description:
      'the database is in-memory SQLite whatever DEMO_DATABASE_URL says: no file is written, health and telemetry report persistent: false',
    apply: (plan) => ({ ...plan, memoryDatabase: true }),
  },
  'telemetry-wrong-env': {
    description:
      '/api/telemetry reports another environment (production as staging, anything else as production)',
    apply: (plan) => ({ ...plan, telemetryWrongEnvironment: true }),
  },
  'no-jwks': {
    description: '/.well-known/jwks.json answers 404: the key set is not published',
    apply: (plan) => ({ ...plan, jwks: false }),
  },
  restart: {
    description: `${RESTART_AFTER_MS / 1000} s after start (DEMO_RESTART_AFTER_MS) the server stops accepting and drops open connections for 1.5 s, then listens again on the same port: a restart with downtime`,
    apply: (plan) => ({ ...plan, restartAfterMs: RESTART_AFTER_MS }),
  },
  'maintenance-stuck': {
    description: 'POST /admin/maintenance/disable answers 200 but maintenance mode stays on',
    apply: (plan) => ({ ...plan, maintenanceStuck: true }),
  },
} as const satisfies Record<string, FaultDefinition>;

export type FaultName = keyof typeof FAULTS;

/** Every fault the demo knows, with what it does (for `--help` texts and harness fault matrices). */
export const FAULT_NAMES = Object.keys(FAULTS) as FaultName[];

export function describeFaults(): { name: FaultName; description: string }[] {
  return FAULT_NAMES.map((name) => ({ name, description: FAULTS[name].description }));
}

export class UnknownFaultError extends Error {
  readonly code = 'DEMO_UNKNOWN_FAULT';
  constructor(readonly unknown: string[]) {
    super(
      `unknown demo fault${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}; ` +
        `known faults: ${FAULT_NAMES.join(', ')}`,
    );
    this.name = 'UnknownFaultError';
  }
}

function isFaultName(name: string): name is FaultName {
  return Object.hasOwn(FAULTS, name);
}

/** Splits `DEMO_FAULTS` ("slow, wrong-version"); blanks are dropped so a trailing comma is harmless. */
export function parseFaultList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
}

/**
 * Builds the plan for the given fault names. Throws {@link UnknownFaultError} for any name it does
 * not know: a typo must never silently run a healthy demo and let a fault test PROMOTE.
 */
export function resolveFaults(names: readonly string[] = []): FaultPlan {
  const unknown = names.filter((name) => !isFaultName(name));
  if (unknown.length > 0) throw new UnknownFaultError(unknown);
  const unique = [...new Set(names as FaultName[])];
  const effects = unique.reduce<FaultEffects>((acc, name) => FAULTS[name].apply(acc), HEALTHY);
  return { ...effects, names: unique };
}

/** The version the app reports (health, /api/version, page footer) under this plan. */
export function reportedVersion(plan: FaultPlan, version: string): string {
  return `${version}${plan.versionSuffix}`;
}
