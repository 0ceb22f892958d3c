import { defineRunbook, manual, type RunbookInput } from 'rollgate';
import pkg from '../package.json' with { type: 'json' };

const preflight = 'runbooks/preflight.suite.ts';
const probes = 'runbooks/probes.suite.ts';
const goldenPaths = 'smoke/golden-paths.spec.ts';
const webVitals = 'smoke/web-vitals.spec.ts';

/** Built-in checks (run by rollgate from the target's declarations, no suite code), in order. */
const probing = ['health', 'version', 'jwks'] as const;
const securing = ['security-headers', 'session-cookie', 'cors', 'rate-limit', 'csrf'] as const;
const hygiene = ['secret-scan', 'runtime-config'] as const;
const everything = [...probing, ...securing, ...hygiene];

/**
 * Real-traffic metric checks of the canary, judged on what the embedded Prometheus scraped from
 * both demos (every second, each series labelled rollgate_target) over the load window. Requests
 * to /api/metrics are Prometheus's own scrapes, not traffic.
 */
const traffic = (extra = '') => `{rollgate_target="{target}",route!="/api/metrics"${extra}}`;
const requests = `sum(increase(http_requests_total${traffic()}[{window}]))`;
const errorRatio = `sum(increase(http_requests_total${traffic(',status=~"5.."')}[{window}])) / ${requests}`;
const rss = 'process_resident_memory_bytes{rollgate_target="{target}"}';
const canaryMetrics = [
  {
    name: 'error-ratio',
    title: 'canary 5xx ratio within the 0.5% budget, on at least every request the load got an answer to',
    query: errorRatio,
    operator: '<',
    value: 0.005,
    unit: 'ratio',
    minTraffic: { query: requests, count: 'load' },
  },
  {
    name: 'error-ratio-vs-baseline',
    title: 'canary 5xx ratio at most 0.5 points above the baseline',
    query: errorRatio,
    baseline: { mode: 'difference', operator: '<=', value: 0.005 },
    minTraffic: { query: requests, count: 'load' },
  },
  {
    name: 'p95-latency',
    title: 'canary p95 from the latency histogram within 500 ms',
    query: `histogram_quantile(0.95, sum by (le) (increase(http_request_duration_seconds_bucket${traffic()}[{window}]))) * 1000`,
    operator: '<=',
    value: 500,
    unit: 'ms',
  },
  {
    name: 'db-connections',
    title: 'database connections in use stay under 50',
    query: 'max_over_time(demo_db_connections_in_use{rollgate_target="{target}"}[{window}])',
    operator: '<',
    value: 50,
  },
  {
    // Seconds of load say little about a slow leak (canary-soak judges the hourly rate); a leak
    // under load shows at once, and a healthy demo grows a few per cent while it warms up.
    name: 'memory-stability',
    title: 'resident memory grows less than 25% over the load',
    query: `(max_over_time(${rss}[{window}]) - min_over_time(${rss}[{window}])) / min_over_time(${rss}[{window}])`,
    operator: '<',
    value: 0.25,
    unit: 'ratio',
    advisory: true,
  },
] satisfies RunbookInput['stages'][string]['metrics'];

/** The soak's rules over the last hour: "memory growing > 2%/hour → warn"; connections under 50. */
const soakMetrics = [
  {
    name: 'memory-growth',
    title: 'resident memory growing less than 2% an hour over the last hour (the WARN threshold)',
    query: `deriv(${rss}[{window}]) * 3600 / avg_over_time(${rss}[{window}])`,
    operator: '<',
    value: 0.02,
    unit: 'ratio/h',
    window: '1h',
    advisory: true,
  },
  {
    // Advisory here: the series' Prometheus holds the hour only after 48 minutes, and until then
    // the check is no data (the canary stage judges connections on its load, blocking).
    name: 'db-connections',
    title: 'database connections in use stayed under 50 over the last hour',
    query: 'max_over_time(demo_db_connections_in_use{rollgate_target="{target}"}[{window}])',
    operator: '<',
    value: 50,
    window: '1h',
    advisory: true,
  },
] satisfies RunbookInput['stages'][string]['metrics'];

/** The soak's rules proven on recorded series (`npm run metrics:test`): a leak fails, a normal day passes. */
const soakMetricTests: RunbookInput['stages'][string]['metricTests'] = [
  {
    series: 'runbooks/series/memory-growing-3pct-6h.om',
    description: 'a leak: resident memory up 3% an hour for 6 hours',
    expect: { 'memory-growth': 'fail' },
  },
  {
    series: 'runbooks/series/memory-flat-6h.om',
    description: 'a normal day: memory flat',
    expect: { 'memory-growth': 'pass' },
  },
  {
    series: 'runbooks/series/connection-leak-6h.om',
    description: 'connections never returned to the pool',
    expect: { 'db-connections': 'fail' },
  },
  {
    series: 'runbooks/series/connections-normal-6h.om',
    expect: { 'db-connections': 'pass' },
  },
];

/** The canary's error rule proven on recorded series: a spike of 5xx fails, a normal hour passes. */
const canaryMetricTests: RunbookInput['stages'][string]['metricTests'] = [
  {
    series: 'runbooks/series/error-spike-1h.om',
    description: '6% 5xx in the last 15 minutes',
    expect: { 'error-ratio': 'fail' },
  },
  {
    series: 'runbooks/series/errors-normal-1h.om',
    expect: { 'error-ratio': 'pass' },
  },
];

/** The demo's declarations a restored copy shares: its login, health endpoints and version. */
const declared = {
  // The account the golden paths use; rollgate signs in once per run through the login form.
  auth: { type: 'form', path: '/login', usernameEnv: 'SMOKE_USER', passwordEnv: 'SMOKE_PASSWORD' },
  version: '/api/version',
  health: {
    simple: { path: '/api/simple-health', json: { status: 'ok' } },
    deep: {
      path: '/api/health',
      json: { status: 'ok', version: { pattern: '^\\d+\\.\\d+\\.\\d+' }, 'checks.database.status': 'ok' },
      latencyMs: 2000,
    },
  },
  jwksPath: '/.well-known/jwks.json',
} satisfies Partial<RunbookInput['targets'][string]>;

/**
 * The demo app as the stages see it: rollgate starts it on a free port with a fresh SQLite file in
 * the run's folder. The canary stage starts two: the canary (DEMO_ROLE=canary, which also takes
 * DEMO_CANARY_FAULTS) and a baseline running the release it replaces.
 */
const demo: RunbookInput['targets'][string] & { embedded: { env: Record<string, string> } } = {
  ...declared,
  environment: 'demo',
  secrets: ['SESSION_SECRET', 'SMOKE_PASSWORD'],
  requiredEnv: ['SESSION_SECRET', 'DEMO_DATABASE_URL'],
  databaseUrlEnv: 'DEMO_DATABASE_URL',
  // `npm run demo:backup` (rollgate backup --target demo): the seeded database, where the dr drill looks.
  backups: {
    dir: '.demo-data/backups',
    data: [{ kind: 'sqlite', name: 'demo', path: '.demo-data/demo.sqlite' }],
  },
  // Readers never block the writer: the demo's SQLite must run in WAL mode (runtime-config).
  requireWal: true,
  allowMutations: true,
  // The deploy files in the repository, and the effective config the running demo writes.
  configFiles: ['demo/deploy/*', '{scratchDir}/demo-config.toml'],
  // Every header rule required (the default): the demo's CSP allows no inline or eval'd script.
  security: {
    headerPaths: ['/login', '/api/version'],
    corsPath: '/api/version',
    rateLimit: { path: '/api/rate-probe', limit: 5, windowSeconds: 10 },
    csrfProbe: { path: '/api/preferences/noop', tokenPage: '/estimates' },
    sessionCookie: true,
  },
  embedded: {
    command: ['tsx', 'demo/main.ts'],
    env: {
      PORT: '0',
      DEMO_CONFIG_FILE: '{scratchDir}/demo-config.toml',
      DEMO_DATABASE_URL: 'sqlite:{runDir}/demo.sqlite',
      DEMO_ENVIRONMENT: 'demo',
      SMOKE_USER: 'demo',
      SMOKE_PASSWORD: 'demo-password',
    },
    readyPath: '/api/simple-health',
    version: pkg.version,
  },
};

/** The same app with another role, database file and config file. */
function demoAs(role: 'canary' | 'baseline', files: { db: string; config: string }) {
  return {
    ...demo,
    configFiles: ['demo/deploy/*', files.config],
    embedded: {
      ...demo.embedded,
      env: {
        ...demo.embedded.env,
        DEMO_ROLE: role,
        DEMO_DATABASE_URL: files.db,
        DEMO_CONFIG_FILE: files.config,
      },
    },
  };
}

/**
 * The demo app's rollout. Its targets have no baseURL, so rollgate starts the demo itself;
 * `--base-url` (and `--baseline-url`) point any stage elsewhere.
 */
export default defineRunbook({
  name: 'demo',
  description: 'Estimates demo app: preflight checklist, probes and golden paths per stage',
  targets: {
    restored: {
      ...declared,
      environment: 'dr-drill',
      secrets: ['SESSION_SECRET', 'SMOKE_PASSWORD'],
      allowMutations: true,
      embedded: {
        command: ['tsx', 'demo/main.ts'],
        // The demo boots on the copy the drill restored (a scratch database or a temporary file).
        env: {
          PORT: '0',
          DEMO_DATABASE_URL: '{restoredDatabaseUrl}',
          DEMO_ENVIRONMENT: 'dr-drill',
          SMOKE_USER: 'demo',
          SMOKE_PASSWORD: 'demo-password',
        },
        readyPath: '/api/simple-health',
        version: pkg.version,
      },
    },
    demo,
    canary: demoAs('canary', { db: 'sqlite:{runDir}/demo.sqlite', config: '{scratchDir}/demo-config.toml' }),
    baseline: demoAs('baseline', {
      db: 'sqlite:{runDir}/baseline.sqlite',
      config: '{scratchDir}/baseline-config.toml',
    }),
  },
  stages: {
    dr: {
      description: 'Nightly disaster-recovery drill: newest backup → verify → restore → boot → golden paths',
      target: 'restored',
      checks: [...probing],
      suites: [probes],
      smoke: { specs: [goldenPaths] },
      timeoutMs: 600_000,
      // Budgets from the Paintbox plan: RPO 1 hour, RTO 30 minutes.
      drill: {
        backups: { dir: '.demo-data/backups', pattern: '*' },
        rpo: '1h',
        rto: '30m',
        // The servers this machine runs; restores go into scratch databases dropped after the drill.
        scratch: {
          postgres: 'postgres://postgres@127.0.0.1:5432/postgres',
          mysql: 'mysql://root@127.0.0.1:3306/mysql',
        },
      },
    },
    preflight: {
      description: 'Before anything ships: configuration and environment',
      target: 'demo',
      checks: [...hygiene],
      suites: [preflight],
      timeoutMs: 120_000,
    },
    staging: {
      description: 'Full golden paths on staging',
      target: 'demo',
      checks: everything,
      suites: [preflight, probes],
      smoke: { specs: [goldenPaths] },
      timeoutMs: 300_000,
    },
    canary: {
      description: 'Canary at 5-10% of traffic: preflight, probes, golden paths, load against the baseline',
      target: 'canary',
      // The release the canary replaces; the load profile runs against both, interleaved.
      baseline: 'baseline',
      checks: everything,
      suites: [preflight, probes],
      smoke: { specs: [goldenPaths, webVitals] },
      // One browser at a time: web vitals measured beside another worker's pages are that worker's
      // too (on two cores, INP 216-280 ms against the 200 ms budget, a HOLD about the machine).
      playwright: { workers: 1 },
      // Seed targets: p95 < 500 ms, error rate < 0.5% at 5% traffic (600 requests make that meaningful).
      // A canary answering in 800 ms sends ~5 requests a slice: 5 slices give the test ~20 of them.
      load: { profile: 'load/canary.profile.ts', compare: { slices: 5, minSamples: 12 } },
      // The runbook's budgets, with the error rate allowed at 5% of traffic.
      budgets: [{ name: 'error-rate', operator: '<', value: 0.005 }],
      // The same seed targets on what Prometheus scraped while the load ran, against the baseline too.
      metrics: canaryMetrics,
      metricTests: canaryMetricTests,
      timeoutMs: 300_000,
    },
    production: {
      description: 'Full production rollout, after staging and canary promoted the same release',
      target: 'demo',
      checks: everything,
      suites: [preflight, probes],
      smoke: { specs: [goldenPaths] },
      timeoutMs: 300_000,
      requires: { stages: [{ stage: 'staging' }, { stage: 'canary' }] },
    },
    'canary-soak': {
      description: 'Monitor the canary for 2 hours: probes every minute, one failed run tolerated',
      target: 'canary',
      checks: [...probing],
      suites: [probes],
      timeoutMs: 120_000,
      // A watch series: 121 runs against one running demo; more than one failed run holds at once.
      watch: { interval: '1m', duration: '2h', failureLimit: 1 },
      // On the Prometheus the series starts once: the hourly rules judge the last hour of the soak.
      metrics: soakMetrics,
      metricTests: soakMetricTests,
    },
  },
  // The embedded Prometheus: started by the canary gate, scraping both demos every second.
  providers: { prometheus: { type: 'prometheus', metricsPath: '/api/metrics' } },
  // Declared once for every stage; a stage's budget of the same name overrides (canary above).
  budgets: [
    { name: 'p95-latency', operator: '<=', value: 500, unit: 'ms' },
    // Seed: error rate < 0.1% at 25% of traffic and beyond (3,000 requests make that meaningful).
    { name: 'error-rate', operator: '<', value: 0.001 },
    // Web vitals of the golden-path pages (median of 3 loads each): seed FCP < 1.5 s, LCP < 2.5 s, CLS < 0.1.
    { name: 'fcp', operator: '<', value: 1500, unit: 'ms' },
    { name: 'lcp', operator: '<', value: 2500, unit: 'ms' },
    { name: 'cls', operator: '<', value: 0.1 },
    { name: 'ttfb', operator: '<=', value: 800, unit: 'ms' },
    { name: 'inp', operator: '<=', value: 200, unit: 'ms' },
  ],
  signoffs: [
    manual('Security team approval', { stage: 'production', role: 'security' }),
    manual('Operations team approval', { stage: 'production', role: 'operations' }),
  ],
});
