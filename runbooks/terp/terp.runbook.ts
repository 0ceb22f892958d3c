import { defineRunbook, type RunbookInput } from 'rollgate';
import pkg from '../../package.json' with { type: 'json' };
import { DATABASES, LOCAL_BACKUPS, MARIADB } from './locations.ts';
import { signoffs, sources } from './sources.ts';

/**
 * TERP's production rollout plan (MySQL schema and application changes) as a runbook: staging
 * verified and soaked a day, a fresh backup restored in a rollback drill two hours before, the
 * approvals, the deployment inside the Tuesday–Thursday 22:00–02:00 Eastern window with
 * maintenance mode around the migrations and smoke tests, then the rollback criteria judged on
 * real traffic against the previous release.
 *
 * Stand-in: every target is rollgate's demo (estimates standing in for TERP's orders) on the
 * MariaDB server of this machine, each in a `terp_standin*` database the stand-in creates
 * (runbooks/terp/standin.ts). Pointing a stage at the real deployment is configuration only:
 * `--base-url https://…` (and `--baseline-url` for `verify`), `DATABASE_URL` and `ADMIN_TOKEN` in
 * the environment; see runbooks/terp/README.md.
 */

const goldenPaths = 'smoke/golden-paths.spec.ts';
const terpSpec = 'runbooks/terp/terp.spec.ts';
const terpSuite = 'runbooks/terp/terp.suite.ts';
const backupCopies = 'runbooks/terp/backup-copies.suite.ts';
const probes = 'runbooks/probes.suite.ts';

/** "Weekday (Tuesday–Thursday), 10:00 PM – 2:00 AM EST": an overnight window belongs to the day it opens. */
const deploymentWindow: NonNullable<RunbookInput['stages'][string]['windows']>[number] = {
  days: ['tue', 'wed', 'thu'],
  from: '22:00',
  to: '02:00',
  timeZone: 'America/New_York',
};

/** The plan's maintenance calls, with its bearer token (`ADMIN_TOKEN`, a secret masked everywhere). */
// biome-ignore lint/suspicious/noTemplateCurlyInString: rollgate fills ${NAME} from the environment
const admin = { Authorization: 'Bearer ${ADMIN_TOKEN}' };

/** What every copy of TERP declares: its login, health endpoints and version. */
const declared = {
  // The smoke account; rollgate signs in once per run through the login form.
  auth: { type: 'form', path: '/login', usernameEnv: 'SMOKE_USER', passwordEnv: 'SMOKE_PASSWORD' },
  version: '/api/version',
  health: {
    simple: { path: '/api/simple-health', json: { status: 'ok' } },
    // The plan's `curl …/health`: the app and its MySQL database answer.
    deep: {
      path: '/api/health',
      json: { status: 'ok', 'checks.database.status': 'ok', 'checks.database.engine': 'mysql' },
      latencyMs: 2000,
    },
  },
} satisfies Partial<RunbookInput['targets'][string]>;

type TargetInput = RunbookInput['targets'][string] & { embedded: { env: Record<string, string> } };

/** A stand-in started from runbooks/terp/standin.ts on its own database. */
function standIn(
  environment: string,
  databaseUrl: string,
  extraEnv: Record<string, string> = {},
): TargetInput {
  return {
    ...declared,
    environment,
    secrets: ['SESSION_SECRET', 'SMOKE_PASSWORD', 'ADMIN_TOKEN'],
    requiredEnv: ['DATABASE_URL', 'SESSION_SECRET'],
    databaseUrlEnv: 'DATABASE_URL',
    // Production creates orders in its smoke tests (the plan's "Create new order"); they delete them again.
    allowMutations: true,
    embedded: {
      command: ['tsx', 'runbooks/terp/standin.ts'],
      env: {
        PORT: '0',
        DATABASE_URL: databaseUrl,
        DEMO_ENVIRONMENT: environment,
        DEMO_CONFIG_FILE: '{scratchDir}/demo-config.toml',
        SMOKE_USER: 'demo',
        SMOKE_PASSWORD: 'demo-password',
        ...extraEnv,
      },
      readyPath: '/api/simple-health',
      version: pkg.version,
    },
  };
}

const production: TargetInput = {
  ...standIn('production', DATABASES.production),
  // `rollgate backup --target production` (the plan's mysqldump): DATABASE_URL from the shell.
  backups: { dir: LOCAL_BACKUPS, data: [{ kind: 'mysql', name: 'terp', urlEnv: 'DATABASE_URL' }] },
  // The plan's URLs are HTTPS; on the loopback stand-in the check is not applicable.
  tls: { minDaysLeft: 14 },
  // Known advisories in what ships: the release's `npm audit --json`, recorded by its build
  // (advisories change daily; the recording makes a gate repeatable). Unset, the check is errored.
  // biome-ignore lint/suspicious/noTemplateCurlyInString: rollgate fills ${NAME} from the environment
  audit: { report: '${TERP_AUDIT_REPORT}', budget: { critical: 0, high: 0 } },
  security: { headerPaths: ['/login', '/api/version'], sessionCookie: true },
};

/** Post-deployment traffic on both sides: the 5xx ratio and the latency histogram, scrapes left out. */
const traffic = (extra = '') => `{rollgate_target="{target}",route!="/api/metrics"${extra}}`;
const requests = `sum(increase(http_requests_total${traffic()}[{window}]))`;
const errorRatio = `sum(increase(http_requests_total${traffic(',status=~"5.."')}[{window}])) / ${requests}`;
// A p95 under 50 ms counts as 50 ms: below it a 50% change is a few milliseconds of jitter.
const p95 = `clamp_min(histogram_quantile(0.95, sum by (le) (increase(http_request_duration_seconds_bucket${traffic()}[{window}]))), 0.05)`;
/** The requests the latency histogram observed: what a percentile of it is read from. */
const observed = `sum(increase(http_request_duration_seconds_count${traffic()}[{window}]))`;
const rss = 'process_resident_memory_bytes{rollgate_target="{target}"}';

/** Step 7 and the rollback criteria, on what the embedded Prometheus scraped from both releases under the load. */
const verifyMetrics = [
  {
    name: 'error-ratio-vs-baseline',
    title: 'rollback criterion: 5xx ratio at most 5 points above the previous release',
    query: errorRatio,
    baseline: { mode: 'difference', operator: '<=', value: 0.05 },
    minTraffic: { query: requests, count: 'load' },
  },
  {
    // "Should be at or below baseline": a warning under the rollback threshold above.
    name: 'error-ratio-at-baseline',
    title: '5xx ratio at or below the previous release (a warning; the rollback threshold is 5 points)',
    query: errorRatio,
    baseline: { mode: 'difference', operator: '<=', value: 0 },
    minTraffic: { query: requests, count: 'load' },
    advisory: true,
  },
  {
    name: 'p95-vs-baseline',
    title:
      'rollback criterion: p95 latency at most 50% above the previous release (under 50 ms counts as 50)',
    query: p95,
    baseline: { mode: 'ratio', operator: '<=', value: 1.5 },
    // 3 ÷ 5%: with 60 requests on each side, one is above the true p95 (95% confidence); fewer
    // leave the p95 to a handful of requests, which is inconclusive (HOLD), not a pass.
    minTraffic: { query: observed, count: 60 },
  },
  {
    // MariaDB's pool in the app holds 10 connections: the pool never ran dry under the load.
    name: 'db-connections',
    title: 'database connection pool: fewer than its 10 connections busy at any scrape',
    query: 'max_over_time(demo_db_connections_in_use{rollgate_target="{target}"}[{window}])',
    operator: '<',
    value: 10,
  },
  {
    name: 'memory-stability',
    title: 'resident memory grows less than 25% over the load',
    query: `(max_over_time(${rss}[{window}]) - min_over_time(${rss}[{window}])) / min_over_time(${rss}[{window}])`,
    operator: '<',
    value: 0.25,
    unit: 'ratio',
    advisory: true,
  },
  {
    // The plan names no CPU threshold: its 50% performance budget, as a warning.
    name: 'cpu-vs-baseline',
    title: 'CPU time at most 50% above the previous release for the same traffic (a warning)',
    query: 'rate(process_cpu_seconds_total{rollgate_target="{target}"}[{window}])',
    baseline: { mode: 'ratio', operator: '<=', value: 1.5 },
    advisory: true,
  },
] satisfies RunbookInput['stages'][string]['metrics'];

/** The rollback thresholds proven on recorded series (runbooks/terp/make-series.ts): `npx rollgate metrics test --stage verify`. */
const series = (file: string) => `runbooks/terp/series/${file}`;
const verifyMetricTests: RunbookInput['stages'][string]['metricTests'] = [
  {
    series: series('errors-normal.om'),
    description: 'a good release: 0.1% 5xx against 0.3% before',
    expect: { 'error-ratio-vs-baseline': 'pass', 'error-ratio-at-baseline': 'pass' },
  },
  {
    series: series('errors-release-4pct.om'),
    description: '4.3% 5xx against 0.3%: worse, watched, under the rollback threshold',
    expect: { 'error-ratio-vs-baseline': 'pass', 'error-ratio-at-baseline': 'fail' },
  },
  {
    series: series('errors-release-8pct.om'),
    description: '8% 5xx against 0.3%: more than 5 points above, roll back',
    expect: { 'error-ratio-vs-baseline': 'fail' },
  },
  {
    series: series('latency-normal.om'),
    description: 'the same latencies as the previous release (p95 ≈ 250 ms)',
    expect: { 'p95-vs-baseline': 'pass' },
  },
  {
    series: series('latency-release-20pct.om'),
    description: 'every request 20% slower: under the 50% threshold',
    expect: { 'p95-vs-baseline': 'pass' },
  },
  {
    series: series('latency-release-double.om'),
    description: 'every request twice as slow: performance degraded more than 50%, roll back',
    expect: { 'p95-vs-baseline': 'fail' },
  },
  {
    series: series('latency-few-requests.om'),
    description: 'twice as slow, on about 45 requests a side: too few for a p95 (60 needed), inconclusive',
    expect: { 'p95-vs-baseline': 'inconclusive' },
  },
];

export default defineRunbook({
  name: 'terp',
  description:
    'TERP production rollout on MySQL: staging soak, rollback drill, approvals, windowed deployment with maintenance mode, rollback criteria',
  targets: {
    staging: standIn('staging', DATABASES.staging),
    production,
    // `verify`: the new release (the canary role, so DEMO_CANARY_FAULTS break it alone) and the previous one.
    release: standIn('production', DATABASES.production, { DEMO_ROLE: 'canary' }),
    previous: standIn('production', DATABASES.previous, {
      DEMO_ROLE: 'baseline',
      DEMO_CONFIG_FILE: '{scratchDir}/previous-config.toml',
    }),
    // The rollback drill boots the app on the backup it restored into a scratch MariaDB database.
    restored: standIn('rollback-drill', '{restoredDatabaseUrl}'),
  },
  stages: {
    staging: {
      description: 'Pre-deployment requirement 1: the changes run on staging and its smoke tests pass',
      target: 'staging',
      checks: ['health', 'version'],
      suites: [terpSuite],
      smoke: { specs: [goldenPaths, terpSpec] },
      timeoutMs: 300_000,
    },
    'rollback-drill': {
      description:
        '2 hours before: the fresh backup verified by restoring it, booting TERP on it and running the golden paths',
      target: 'restored',
      checks: ['health'],
      suites: [backupCopies, terpSuite],
      smoke: { specs: [goldenPaths] },
      timeoutMs: 600_000,
      drill: {
        backups: { dir: LOCAL_BACKUPS, pattern: 'terp-*' },
        // Taken right before the drill ("create fresh database backup").
        rpo: '30m',
        // A rollback must fit the 4-hour window after a deployment that took up to 2 of its hours.
        rto: '2h',
        scratch: { mysql: `${MARIADB}/mysql` },
        invariants: [
          {
            name: 'no order line without its order',
            sql: 'SELECT count(*) FROM line_items li LEFT JOIN estimates e ON e.id = li.estimate_id WHERE e.id IS NULL',
            expect: 0,
          },
          {
            name: 'the smoke account exists',
            sql: "SELECT count(*) FROM users WHERE username = 'demo'",
            expect: 1,
          },
        ],
      },
    },
    'go-no-go': {
      description:
        'Pre-deployment checklist, 30 minutes before the window: staging soaked 24 h, a passing drill within 2 h, approvals',
      target: 'production',
      checks: ['health'],
      suites: [probes],
      requires: {
        stages: [{ stage: 'staging', soak: '24h' }],
        drill: { stage: 'rollback-drill', within: '2h' },
      },
      timeoutMs: 120_000,
    },
    production: {
      description:
        'Deployment steps 2-6 inside the window: maintenance on, schema, deployed version, smoke tests, maintenance off',
      target: 'production',
      windows: [deploymentWindow],
      requires: { stages: [{ stage: 'go-no-go' }] },
      maintenance: {
        enable: { path: '/admin/maintenance/enable', headers: admin },
        disable: { path: '/admin/maintenance/disable', headers: admin },
        probe: { path: '/', status: 503 },
      },
      // The app and its database keep answering through the deployment (health is never behind the maintenance page).
      availability: { path: '/api/health', intervalMs: 250, maxFailures: 0 },
      checks: [
        'health',
        'version',
        'runtime-config',
        'security-headers',
        'session-cookie',
        'tls',
        'dependency-audit',
      ],
      suites: [terpSuite],
      smoke: { specs: [goldenPaths, terpSpec] },
      timeoutMs: 300_000,
    },
    verify: {
      description:
        'Step 7 and the rollback criteria: the new release against the previous one under the same traffic',
      target: 'release',
      baseline: 'previous',
      checks: ['health'],
      requires: { stages: [{ stage: 'production' }] },
      // The load check applies the same thresholds to the requests' own latencies and errors.
      load: {
        profile: 'runbooks/terp/verify.profile.ts',
        compare: { medianRatio: 1.5, medianDeltaMs: 25, errorRateDelta: 0.05, slices: 4, minSamples: 12 },
      },
      metrics: verifyMetrics,
      metricTests: verifyMetricTests,
      timeoutMs: 300_000,
    },
    'first-day': {
      description: 'The first 24 hours: hourly spot checks; 5xx over the last 4 hours (the error-log review)',
      target: 'production',
      checks: ['health', 'version'],
      suites: [terpSuite],
      suiteFilter: 'JSON API|server errors',
      watch: { interval: '1h', duration: '24h', failureLimit: 0 },
      metrics: [
        {
          // Advisory: the series' own Prometheus holds 4 hours only after its first 3.2.
          name: 'server-errors-4h',
          title: 'no 5xx answered in the last 4 hours',
          query: `sum(increase(http_requests_total${traffic(',status=~"5.."')}[{window}]))`,
          operator: '==',
          value: 0,
          window: '4h',
          advisory: true,
        },
      ],
      timeoutMs: 300_000,
    },
    rollback: {
      description:
        'After a rollback: the reverted release answers, its data is intact, core features work; the incident is closed',
      target: 'production',
      checks: ['health', 'version'],
      suites: [terpSuite],
      smoke: { specs: [goldenPaths] },
      timeoutMs: 300_000,
    },
  },
  // The embedded Prometheus of `verify` and `first-day`, scraping the app's metrics every second.
  providers: { prometheus: { type: 'prometheus', metricsPath: '/api/metrics' } },
  signoffs,
  sources,
});
