import { defineRunbook, manual, type RunbookInput } from 'rollgate';
import pkg from '../../package.json' with { type: 'json' };
import { SIGNOFF, sources } from './sources.ts';

/**
 * The Paintbox production runbook (Next.js on Fly.io) as code: the pre-deployment checklist and
 * security check, staging, the rolling production deploy in a maintenance window with zero
 * downtime, the post-deployment verification of every health endpoint, key metric and security
 * header, a monitor watch with the runbook's alerting rules, and the data volume's restore drill.
 * Every line of the runbook is recorded in `sources.ts` with what encodes it.
 *
 * The stand-in: every target runs the repository's demo app, started by rollgate on this machine
 * with the runbook's production environment (NODE_ENV, NODE_OPTIONS with the 1536 MB heap,
 * NEXT_TELEMETRY_DISABLED, GENERATE_SOURCEMAP) and its data on a Fly-style volume: SQLite at
 * `DATABASE_URL=file:<run folder>/data/paintbox.db?mode=wal`. Nothing here talks to the hosts
 * the runbook names. To gate the real deployment, give `--base-url` with `--release` and the
 * environment: see README.md.
 */

const dir = 'runbooks/paintbox';
const probes = `${dir}/probes.suite.ts`;
const config = `${dir}/config.suite.ts`;
const goldenPaths = 'smoke/golden-paths.spec.ts';
const traffic = `${dir}/traffic.profile.ts`;

/** The runbook's environment for the app (the port is the stand-in's own, picked free). */
const productionEnv = {
  NODE_ENV: 'production',
  // The runbook adds --optimize-for-size, a V8 flag Node refuses in NODE_OPTIONS; the heap limit is what it sizes.
  NODE_OPTIONS: '--max-old-space-size=1536',
  NEXT_TELEMETRY_DISABLED: '1',
  GENERATE_SOURCEMAP: 'false',
};

/** What every Paintbox deployment declares. */
const declared = {
  auth: { type: 'form', path: '/login', usernameEnv: 'SMOKE_USER', passwordEnv: 'SMOKE_PASSWORD' },
  version: '/api/version',
  // The health endpoints, each held to the key metric "response time < 2 seconds" (stricter than
  // their 5 s and 10 s load-balancer time-outs and the 5 s alert).
  health: {
    simple: { path: '/api/simple-health', json: { status: 'ok' }, latencyMs: 2000 },
    deep: {
      path: '/api/health',
      json: { status: 'ok', version: { pattern: '^\\d+\\.\\d+\\.\\d+' }, 'checks.database.status': 'ok' },
      latencyMs: 2000,
    },
    metrics: { path: '/api/metrics', body: '^# HELP ', latencyMs: 2000 },
  },
  jwksPath: '/.well-known/jwks.json',
  secrets: ['SESSION_SECRET', 'SMOKE_PASSWORD'],
  requiredEnv: ['DATABASE_URL', ...Object.keys(productionEnv)],
  databaseUrlEnv: 'DATABASE_URL',
  requireWal: true,
  security: {
    headerPaths: ['/login', '/api/health'],
    corsPath: '/api/version',
    rateLimit: { path: '/api/rate-probe', limit: 5, windowSeconds: 10 },
    csrfProbe: { path: '/api/preferences/noop', tokenPage: '/estimates' },
    sessionCookie: true,
  },
  // HTTPS enforced: skipped as not applicable on the loopback stand-in, judged on a real deployment.
  tls: { minDaysLeft: 14 },
  // `npm audit` of the pre-deployment security check, judged on a recording (README.md).
  audit: { report: `${dir}/npm-audit.json`, budget: { critical: 0, high: 0 } },
  allowMutations: true,
} satisfies Partial<RunbookInput['targets'][string]>;

/** The demo started as a Paintbox machine, its data under `<run>/data` as on the /data volume. */
function standIn(environment: 'staging' | 'production'): RunbookInput['targets'][string] {
  const databaseUrl = 'file:{runDir}/data/paintbox.db?mode=wal';
  return {
    ...declared,
    environment,
    configFiles: ['demo/deploy/*', '{scratchDir}/paintbox-config.toml'],
    embedded: {
      command: ['tsx', 'demo/main.ts'],
      env: {
        ...productionEnv,
        PORT: '0',
        // The app's variable (runtime-config reads it); the demo reads DEMO_DATABASE_URL.
        DATABASE_URL: databaseUrl,
        DEMO_DATABASE_URL: databaseUrl,
        DEMO_CONFIG_FILE: '{scratchDir}/paintbox-config.toml',
        DEMO_ENVIRONMENT: environment,
        SMOKE_USER: 'demo',
        SMOKE_PASSWORD: 'demo-password',
      },
      readyPath: '/api/simple-health',
      version: pkg.version,
    },
  };
}

/** The rolling deploy's metric checks, on what the embedded Prometheus scraped over the load. */
const traffic5xx = '{rollgate_target="{target}",route!="/api/metrics",status=~"5.."}';
const requests =
  'sum(increase(http_requests_total{rollgate_target="{target}",route!="/api/metrics"}[{window}]))';
const deployMetrics: NonNullable<RunbookInput['stages'][string]['metrics']> = [
  {
    name: 'server-errors',
    title: 'zero HTTP 5xx while the deploy rolls, on every request the load got an answer to',
    query: `sum(increase(http_requests_total${traffic5xx}[{window}]))`,
    operator: '==',
    value: 0,
    minTraffic: { query: requests, count: 'load' },
  },
  {
    name: 'p95-latency',
    title: 'p95 response time from the latency histogram under 2 s (alert at 5 s)',
    query:
      'histogram_quantile(0.95, sum by (le) (increase(http_request_duration_seconds_bucket{rollgate_target="{target}",route!="/api/metrics"}[{window}]))) * 1000',
    operator: '<',
    value: 2000,
    unit: 'ms',
    // 3 ÷ 5%: with 60 requests, one is above the true p95 (95% confidence); fewer are inconclusive.
    minTraffic: {
      query:
        'sum(increase(http_request_duration_seconds_count{rollgate_target="{target}",route!="/api/metrics"}[{window}]))',
      count: 60,
    },
  },
  {
    name: 'memory-usage',
    title: 'resident memory under 85% of the 2048 MB machine at its highest (alert at 95%)',
    query:
      'max_over_time(process_resident_memory_bytes{rollgate_target="{target}"}[{window}]) / (2048 * 1024 * 1024)',
    operator: '<',
    value: 0.85,
    unit: 'ratio',
  },
  {
    name: 'db-connections',
    title: 'connection pool: database connections in use stay under 20',
    query: 'max_over_time(demo_db_connections_in_use{rollgate_target="{target}"}[{window}])',
    operator: '<',
    value: 20,
  },
];

/** The emergency checks of every health endpoint, the JWKS and the headers: the verification set. */
const verifying = ['health', 'version', 'jwks', 'security-headers', 'tls'] as const;

export default defineRunbook({
  name: 'paintbox',
  description:
    'Paintbox on Fly.io: security check, staging, rolling production deploy, verification, monitoring',
  sources,
  targets: {
    staging: standIn('staging'),
    production: {
      ...standIn('production'),
      // `rollgate backup --target production`: the /data volume's stand-in, a folder holding the
      // app's SQLite file (create it with the demo: see README.md).
      backups: {
        dir: '.demo-data/paintbox/backups',
        data: [{ kind: 'files', name: 'data', path: '.demo-data/paintbox/data' }],
      },
    },
    restored: {
      ...declared,
      environment: 'production',
      embedded: {
        command: ['tsx', 'demo/main.ts'],
        // The app boots on the restored copy of the volume.
        env: {
          ...productionEnv,
          PORT: '0',
          DATABASE_URL: 'file:{restoredDataDir}/paintbox.db?mode=wal',
          DEMO_DATABASE_URL: 'file:{restoredDataDir}/paintbox.db?mode=wal',
          DEMO_ENVIRONMENT: 'production',
          SMOKE_USER: 'demo',
          SMOKE_PASSWORD: 'demo-password',
        },
        readyPath: '/api/simple-health',
        version: pkg.version,
      },
    },
  },
  stages: {
    preflight: {
      description: 'Pre-deployment checklist: environment, security audit and security tests',
      target: 'staging',
      checks: [
        'runtime-config',
        'secret-scan',
        'dependency-audit',
        'security-headers',
        'cors',
        'rate-limit',
        'csrf',
        'session-cookie',
      ],
      suites: [config],
      timeoutMs: 180_000,
    },
    staging: {
      description: 'Changes tested in staging before a maintenance window is scheduled',
      target: 'staging',
      checks: [...verifying, 'runtime-config', 'cors', 'rate-limit', 'csrf', 'session-cookie'],
      suites: [probes, config],
      smoke: { specs: [goldenPaths] },
      timeoutMs: 300_000,
    },
    production: {
      description: 'Rolling deploy with health checks in the maintenance window, zero downtime under traffic',
      target: 'production',
      checks: [...verifying, 'runtime-config', 'secret-scan', 'cors', 'rate-limit'],
      suites: [probes, config],
      smoke: { specs: [goldenPaths] },
      load: { profile: traffic },
      metrics: deployMetrics,
      availability: { path: '/api/simple-health', intervalMs: 250, maxFailures: 0 },
      // Security updates weekly, dependency updates monthly: Tuesday to Thursday nights, Pacific
      // time (the primary region is sjc). The runbook schedules a window without naming one.
      windows: [{ days: ['tue', 'wed', 'thu'], from: '22:00', to: '02:00', timeZone: 'America/Los_Angeles' }],
      requires: {
        stages: [{ stage: 'preflight' }, { stage: 'staging' }],
        drill: { stage: 'dr', within: '7d' },
      },
      timeoutMs: 600_000,
    },
    verify: {
      description: 'Post-deployment verification: health endpoints, JWKS, security headers, key metrics',
      target: 'production',
      checks: [...verifying],
      suites: [probes],
      timeoutMs: 120_000,
    },
    monitor: {
      description: 'Continuous monitoring for an hour: every 15 s (the simple check), down after 3 failures',
      target: 'production',
      checks: ['health', 'jwks'],
      suites: [probes],
      watch: { interval: '15s', duration: '1h', failureLimit: 2 },
      timeoutMs: 60_000,
    },
    dr: {
      description:
        'Recovery rehearsed: the newest copy of the data volume → verify → restore → boot → verify',
      target: 'restored',
      checks: ['health', 'version', 'runtime-config'],
      suites: [probes],
      smoke: { specs: [goldenPaths] },
      drill: {
        backups: { dir: '.demo-data/paintbox/backups', pattern: 'data-*' },
        // Rollback is immediate on Fly; a restore of the volume within 30 minutes, losing at most a day.
        rpo: '24h',
        rto: '30m',
      },
      timeoutMs: 600_000,
    },
  },
  providers: { prometheus: { type: 'prometheus', metricsPath: '/api/metrics' } },
  budgets: [
    // Key metric: response time under 2 s, on the rolling deploy's load.
    { name: 'p95-latency', operator: '<', value: 2000, unit: 'ms' },
  ],
  signoffs: Object.values(SIGNOFF).map((s) =>
    manual(s.title, { stage: s.stage, role: s.role, reason: s.reason }),
  ),
});
