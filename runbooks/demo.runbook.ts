import pkg from '../package.json' with { type: 'json' };
import { defineRunbook, manual } from '../src/config/define-runbook.ts';

const preflight = 'runbooks/preflight.suite.ts';
const probes = 'runbooks/probes.suite.ts';
const hygiene = 'runbooks/hygiene.suite.ts';
const security = 'runbooks/security.suite.ts';
const goldenPaths = 'smoke/golden-paths.spec.ts';

/**
 * The demo app's rollout. Its target has no baseURL, so rollgate starts the demo itself on a free
 * port with a fresh SQLite file in the run's folder; `--base-url` points any stage elsewhere.
 */
export default defineRunbook({
  name: 'demo',
  description: 'Estimates demo app: preflight checklist, probes and golden paths per stage',
  targets: {
    restored: {
      versionPath: '/api/version',
      health: { simple: '/api/simple-health', deep: '/api/health' },
      environment: 'dr-drill',
      secrets: ['SESSION_SECRET', 'SMOKE_PASSWORD'],
      jwksPath: '/.well-known/jwks.json',
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
    demo: {
      versionPath: '/api/version',
      health: { simple: '/api/simple-health', deep: '/api/health' },
      environment: 'demo',
      secrets: ['SESSION_SECRET', 'SMOKE_PASSWORD'],
      requiredEnv: ['SESSION_SECRET', 'DEMO_DATABASE_URL'],
      databaseUrlEnv: 'DEMO_DATABASE_URL',
      allowMutations: true,
      // The deploy files in the repository, and the effective config the running demo writes.
      jwksPath: '/.well-known/jwks.json',
      configFiles: ['demo/deploy/*', '{scratchDir}/demo-config.toml'],
      security: {
        headerPaths: ['/login', '/api/version'],
        corsPath: '/api/version',
        rateLimit: { path: '/api/rate-probe', limit: 5, windowSeconds: 10 },
        csrfProbe: { path: '/api/preferences/noop', tokenPage: '/estimates' },
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
    },
  },
  stages: {
    dr: {
      description: 'Nightly disaster-recovery drill: newest backup → verify → restore → boot → golden paths',
      target: 'restored',
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
      suites: [preflight, hygiene],
      timeoutMs: 120_000,
    },
    staging: {
      description: 'Full golden paths on staging',
      target: 'demo',
      suites: [preflight, hygiene, probes, security],
      smoke: { specs: [goldenPaths] },
      timeoutMs: 300_000,
    },
    canary: {
      description: 'Canary at 5-10% of traffic: preflight, probes, golden paths, deployed version',
      target: 'demo',
      suites: [preflight, hygiene, probes, security],
      smoke: { specs: [goldenPaths] },
      // Seed targets: p95 < 500 ms, error rate < 0.5% at 5% traffic (600 requests make that meaningful).
      load: { profile: 'load/canary.profile.ts' },
      budgets: [
        { name: 'p95-latency', operator: '<=', value: 500, unit: 'ms' },
        { name: 'error-rate', operator: '<', value: 0.005 },
      ],
      timeoutMs: 300_000,
    },
    production: {
      description: 'Full production rollout, after staging and canary promoted the same release',
      target: 'demo',
      suites: [preflight, hygiene, probes, security],
      smoke: { specs: [goldenPaths] },
      timeoutMs: 300_000,
      requires: { stages: [{ stage: 'staging' }, { stage: 'canary' }] },
    },
  },
  signoffs: [
    manual('Security team approval', { stage: 'production', role: 'security' }),
    manual('Operations team approval', { stage: 'production', role: 'operations' }),
  ],
});
