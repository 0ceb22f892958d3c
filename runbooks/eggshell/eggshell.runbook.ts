import { execFileSync } from 'node:child_process';
import { defineRunbook, manual, type RunbookInput } from 'rollgate';
import pkg from '../../package.json' with { type: 'json' };
import { canaryMetrics, jsonMetrics } from './metrics.ts';
import { SIGNOFF, sources } from './sources.ts';

/**
 * The Eggshell production deployment plan (Paintbox renamed Eggshell) as code: a pre-deployment
 * checklist, staging, a 10% canary against the release it replaces, a canary watch, blue-green
 * production with zero downtime, a 24-hour production watch, and the database rollback rehearsed
 * as a restore drill. Every line of the plan is recorded in `sources.ts` with what encodes it.
 *
 * The stand-in: every target runs the repository's demo app (an estimates app with a login, JWKS,
 * telemetry and Prometheus metrics), started by rollgate on this machine with the plan's
 * configuration: SQLite at `DATABASE_URL=file:<run folder>/data/paintbox.db?mode=wal` (a `data/`
 * folder under the run, as the plan's Fly volume at /data), staging or production environment,
 * the integrations' credentials generated as secrets. Nothing here talks to the hosts the plan
 * names. To gate the real deployment, give `--base-url` (and `--baseline-url` for the canary) with
 * `--release`, and the secrets in the environment: see README.md.
 */

const dir = 'runbooks/eggshell';
const telemetrySuite = `${dir}/telemetry.suite.ts`;
const goldenPaths = 'smoke/golden-paths.spec.ts';
const webVitals = 'smoke/web-vitals.spec.ts';
const calculations = `${dir}/calculations.spec.ts`;
const tti = `${dir}/tti.spec.ts`;
const traffic = `${dir}/traffic.profile.ts`;

/** The commit the stand-in is built from, as a deployment's telemetry reports its own. */
function headCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      encoding: 'utf8',
      stdio: 'pipe',
    }).trim();
  } catch {
    // No git here: the telemetry then says "unknown", and telemetry/build-info fails saying so.
    return 'unknown';
  }
}

type Environment = 'staging' | 'production';

/** The plan's required variables; the secrets are generated for the stand-in, masked everywhere. */
const secrets = [
  'SESSION_SECRET',
  'SMOKE_PASSWORD',
  'NEXTAUTH_SECRET',
  'SALESFORCE_PASSWORD',
  'SALESFORCE_SECURITY_TOKEN',
  'COMPANYCAM_API_KEY',
  'REDIS_URL',
  'SENTRY_DSN',
];

/** What every Eggshell deployment declares, whatever its environment. */
function declared(environment: Environment) {
  return {
    environment,
    // The golden paths' account; rollgate signs in once per run through the login form.
    auth: { type: 'form', path: '/login', usernameEnv: 'SMOKE_USER', passwordEnv: 'SMOKE_PASSWORD' },
    // "Build info correct": the telemetry's build version is the release under test.
    version: { path: '/api/telemetry', json: 'build.version' },
    health: {
      simple: { path: '/api/simple-health', json: { status: 'ok' } },
      deep: {
        path: '/api/health',
        json: {
          status: 'ok',
          version: { pattern: '^\\d+\\.\\d+\\.\\d+' },
          'checks.database.status': 'ok',
          'checks.database.journalMode': 'wal',
        },
        latencyMs: 2000,
      },
      // The telemetry widget's source: truthful from moment one.
      telemetry: {
        path: '/api/telemetry',
        json: {
          environment,
          'build.version': { pattern: '^\\d+\\.\\d+\\.\\d+' },
          'integrations.salesforce.status': 'ok',
          'integrations.companycam.status': 'ok',
          'database.persistent': true,
        },
        latencyMs: 2000,
      },
    },
    jwksPath: '/.well-known/jwks.json',
    secrets,
    requiredEnv: ['DATABASE_URL', 'SALESFORCE_USERNAME'],
    databaseUrlEnv: 'DATABASE_URL',
    // Readers never block the writer: the plan's DATABASE_URL asks for WAL.
    requireWal: true,
    // The signed-in pages people work in (the login page redirects once signed in).
    accessibility: { paths: ['/estimates', '/estimates/new'], signedIn: true },
    // The golden paths create and delete an estimate.
    allowMutations: true,
  } satisfies Partial<RunbookInput['targets'][string]>;
}

/**
 * The demo started as an Eggshell deployment: its database under `<run>/<data>/paintbox.db` in WAL,
 * its effective config in the run's scratch folder (scanned for credentials).
 */
function standIn(
  environment: Environment,
  opts: { data: string; config: string; role?: 'canary' | 'baseline' },
): RunbookInput['targets'][string] {
  const databaseUrl = `file:{runDir}/${opts.data}/paintbox.db?mode=wal`;
  return {
    ...declared(environment),
    configFiles: ['demo/deploy/*', `{scratchDir}/${opts.config}`],
    embedded: {
      command: ['tsx', 'demo/main.ts'],
      env: {
        PORT: '0',
        // The app's variable, which runtime-config reads; the demo reads DEMO_DATABASE_URL.
        DATABASE_URL: databaseUrl,
        DEMO_DATABASE_URL: databaseUrl,
        DEMO_CONFIG_FILE: `{scratchDir}/${opts.config}`,
        DEMO_ENVIRONMENT: environment,
        DEMO_BUILD_COMMIT: headCommit(),
        SALESFORCE_USERNAME: 'eggshell-integration@example.com',
        SMOKE_USER: 'demo',
        SMOKE_PASSWORD: 'demo-password',
        ...(opts.role ? { DEMO_ROLE: opts.role } : {}),
      },
      readyPath: '/api/simple-health',
      version: pkg.version,
    },
  };
}

/** The emergency page's switch: rollgate reads the token from the environment and masks it. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: rollgate expands ${NAME} from the environment
const adminHeaders = { Authorization: 'Bearer ${DEMO_ADMIN_TOKEN}' };

/** Stage 2's canary and stage 3's production judge the same rules; production has no baseline. */
const productionMetrics = canaryMetrics.filter((m) => !m.baseline);

export default defineRunbook({
  name: 'eggshell',
  description:
    'Eggshell production deployment: staging, 10% canary, blue-green production, with rollback drills',
  sources,
  targets: {
    staging: standIn('staging', { data: 'data', config: 'eggshell-config.toml' }),
    canary: standIn('production', { data: 'data', config: 'eggshell-config.toml', role: 'canary' }),
    baseline: standIn('production', {
      data: 'baseline/data',
      config: 'baseline-config.toml',
      role: 'baseline',
    }),
    production: {
      ...standIn('production', { data: 'data', config: 'eggshell-config.toml' }),
      // The token the emergency page's switch needs (generated for the stand-in, masked).
      secrets: [...secrets, 'DEMO_ADMIN_TOKEN'],
      // `rollgate backup --target production`: the stand-in's long-lived data is the demo's seeded
      // database (npm run demo:seed); the dr stage restores the newest copy.
      backups: {
        dir: '.demo-data/eggshell/backups',
        data: [{ kind: 'sqlite', name: 'paintbox', path: '.demo-data/demo.sqlite' }],
      },
    },
    restored: {
      ...declared('production'),
      embedded: {
        command: ['tsx', 'demo/main.ts'],
        // The app boots on the copy the drill restored.
        env: {
          PORT: '0',
          DATABASE_URL: '{restoredDatabaseUrl}',
          DEMO_DATABASE_URL: '{restoredDatabaseUrl}',
          DEMO_ENVIRONMENT: 'production',
          DEMO_BUILD_COMMIT: headCommit(),
          SALESFORCE_USERNAME: 'eggshell-integration@example.com',
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
      description: 'Pre-deployment checklist: critical fixes and code and infrastructure readiness',
      target: 'staging',
      checks: ['health', 'jwks', 'secret-scan', 'runtime-config', 'accessibility'],
      suites: [telemetrySuite],
      smoke: { specs: [goldenPaths, calculations] },
      timeoutMs: 300_000,
    },
    staging: {
      description: 'Stage 1 (day 1): staging deployed and validated, no load',
      target: 'staging',
      checks: ['health', 'version', 'jwks', 'runtime-config', 'accessibility'],
      suites: [telemetrySuite],
      smoke: { specs: [goldenPaths, calculations] },
      metrics: jsonMetrics,
      timeoutMs: 300_000,
    },
    canary: {
      description: 'Stage 2 (day 2): canary at 10% of traffic against the release it replaces',
      target: 'canary',
      baseline: 'baseline',
      checks: ['health', 'version', 'jwks', 'runtime-config'],
      suites: [telemetrySuite],
      smoke: { specs: [goldenPaths, webVitals, tti] },
      // 12 slices of 1.5 s a side at 250 requests/s: 4,500 canary requests, 3,000 of which resolve
      // the 0.1% target; the rest is room for a machine that falls behind the rate.
      load: { profile: traffic, compare: { slices: 12, sliceMs: 1500, errorRateDelta: 0.001 } },
      metrics: [...canaryMetrics, ...jsonMetrics],
      // "Staging validation: 4 hours" before the canary.
      requires: { stages: [{ stage: 'staging', soak: '4h' }] },
      timeoutMs: 600_000,
    },
    'canary-monitor': {
      description: 'Stage 2: monitor the canary (4 hours on the timeline): probes and telemetry every minute',
      target: 'canary',
      checks: ['health', 'version', 'jwks'],
      suites: [telemetrySuite],
      metrics: jsonMetrics,
      watch: { interval: '1m', duration: '4h', failureLimit: 1 },
      timeoutMs: 120_000,
    },
    production: {
      description: 'Stage 3 (day 3): blue-green production: smoke tests on the new version, zero downtime',
      target: 'production',
      checks: ['health', 'version', 'jwks', 'secret-scan', 'runtime-config', 'accessibility'],
      suites: [telemetrySuite],
      smoke: { specs: [goldenPaths, calculations, webVitals, tti] },
      load: { profile: traffic },
      metrics: [...productionMetrics, ...jsonMetrics],
      // Zero downtime: the health probe answers 200 every 250 ms for the whole stage.
      availability: { path: '/api/simple-health', intervalMs: 250, maxFailures: 0 },
      requires: {
        stages: [{ stage: 'staging', soak: '4h' }, { stage: 'canary' }],
        watch: { stage: 'canary-monitor', span: '4h' },
        drill: { stage: 'dr', within: '7d' },
      },
      timeoutMs: 600_000,
    },
    'production-monitor': {
      description:
        'Stage 3: monitor production for 24 hours: a run a minute, one failed run in 1,441 (99.93%) at most',
      target: 'production',
      checks: ['health', 'version', 'jwks'],
      suites: [telemetrySuite],
      metrics: jsonMetrics,
      availability: { path: '/api/simple-health', intervalMs: 250, maxFailures: 0 },
      watch: { interval: '1m', duration: '24h', failureLimit: 1 },
      timeoutMs: 120_000,
    },
    'emergency-page': {
      description:
        'Complete outage rehearsed: the static maintenance page switched on (visitors get 503) and off again',
      target: 'production',
      checks: ['health'],
      maintenance: {
        enable: { path: '/admin/maintenance/enable', headers: adminHeaders },
        disable: { path: '/admin/maintenance/disable', headers: adminHeaders },
        probe: { path: '/', status: 503 },
      },
      timeoutMs: 120_000,
    },
    dr: {
      description: 'Database rollback rehearsed: newest backup → verify → restore → boot → golden paths',
      target: 'restored',
      checks: ['health', 'version', 'runtime-config'],
      smoke: { specs: [goldenPaths] },
      timeoutMs: 600_000,
      // Rollback within 5 minutes, with no data loss beyond the pre-deployment backup's hour.
      drill: { backups: { dir: '.demo-data/eggshell/backups', pattern: 'paintbox-*' }, rpo: '1h', rto: '5m' },
    },
  },
  providers: {
    // The embedded Prometheus: started by the stages whose checks query it (canary, production).
    prometheus: { type: 'prometheus', metricsPath: '/api/metrics' },
    telemetry: { type: 'json', url: '/api/telemetry' },
    health: { type: 'json', url: '/api/health' },
  },
  budgets: [
    // Error rate < 0.1% on the load (3,000 requests resolve it).
    { name: 'error-rate', operator: '<', value: 0.001 },
    // Performance checks: FCP < 1.8 s (web vitals, desktop). TTI < 2.5 s on a throttled phone is
    // judged by tti.spec.ts itself: a load step refuses a budget named after no load metric.
    { name: 'fcp', operator: '<', value: 1800, unit: 'ms' },
  ],
  signoffs: Object.values(SIGNOFF).map((s) =>
    manual(s.title, { stage: s.stage, role: s.role, reason: s.reason }),
  ),
});
