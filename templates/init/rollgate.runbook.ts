import { defineRunbook } from 'rollgate';

/**
 * The rollout of this app as code, written by `npx rollgate init`; yours to edit.
 * `npx rollgate gate <stage>` (or `npm run gate:<stage>`) runs a stage's checks against the app
 * and answers PROMOTE (exit 0) or HOLD (exit 1); `npx rollgate validate` checks this file.
 *
 * Built-in checks: a stage's `checks` run from what the target declares, with no code to write:
 * `health` (each endpoint answers as declared, within its latency budget) and `version` (the
 * deployed version equals the release under test). Declare more and list them as you go: a
 * security policy, jwksPath, configFiles to scan for secrets (see node_modules/rollgate/docs/checks.md).
 *
 * Placeholders: the app's own checks in rollgate/ start as placeholders that always error with
 * ROLLGATE_PLACEHOLDER, each saying what to write and in which file, so every stage HOLDs until
 * the real checks replace them. Each file shows the code to write in its comments.
 *
 * The release under test: a gate compares what the app reports at `version` with the release
 * you say you are shipping, `--release <version>` or ROLLGATE_RELEASE (a gate against a baseURL
 * needs one). The npm scripts init added pass `--release "${ROLLGATE_RELEASE:-$npm_package_version}"`:
 * ROLLGATE_RELEASE when it is set (in CI, your build's version or tag), else the version in this
 * project's package.json. `npm run gate:canary -- --release 2.4.1` names one for a single run.
 *
 * Where: every stage points at target `app`. Point one run elsewhere with
 * `npm run gate:canary -- --base-url https://canary.example.com` (or ROLLGATE_BASE_URL), or declare
 * a target per environment (staging, canary, production), each with its own baseURL, and name it
 * in the stage's `target`.
 */

const checks = 'rollgate/checks.suite.ts';
const goldenPath = 'rollgate/golden-path.spec.ts';

export default defineRunbook({
  name: '__NAME__',
  targets: {
    app: {
      baseURL: '__BASE_URL__',
      // The paths your app answers: change them to yours. The version endpoint answers JSON with
      // a `version` field (or declare { path, json: 'build.version' }, { path, header } or
      // { path, pattern }); each health endpoint answers 200 within 1000 ms, or what you declare,
      // e.g. ready: { path: '/readyz', json: { status: 'ok', 'checks.database.status': 'ok' } }.
      // rollgate/load.profile.ts loads the live path too: change it there as well.
      version: '/version',
      health: { live: '/healthz' },
      // Names (never values) of the environment variables a deployment needs; preflight checks them.
      requiredEnv: [],
      // Names of secrets whose values are masked (***) in every output, e.g. ['SMOKE_PASSWORD'].
      secrets: [],
      // Golden paths that create or change records run only where this is true.
      allowMutations: false,
    },
  },
  stages: {
    preflight: {
      description: 'Before anything ships: the configuration and environment the deployment needs',
      target: 'app',
      suites: ['rollgate/preflight.suite.ts'],
    },
    staging: {
      description: 'Staging: health, deployed version and the golden path in a real browser',
      target: 'app',
      checks: ['health', 'version'],
      suites: [checks],
      smoke: { specs: [goldenPath] },
    },
    canary: {
      description: 'Canary: as staging, then a short load of the health path judged by the budgets',
      target: 'app',
      checks: ['health', 'version'],
      suites: [checks],
      smoke: { specs: [goldenPath] },
      // Loopback only: to load a deployment, add its host here and in the profile's `hosts`.
      load: { profile: 'rollgate/load.profile.ts', hosts: [] },
      budgets: [
        { name: 'p95-latency', operator: '<=', value: 500, unit: 'ms' },
        // A rate budget needs 3 ÷ value requests to mean anything (300 for < 1%); fewer holds.
        { name: 'error-rate', operator: '<', value: 0.01 },
      ],
      // Only a release that staging promoted (read from the ledger in reports/).
      requires: { stages: [{ stage: 'staging' }] },
    },
    production: {
      description: 'Production: as staging, for a release the canary promoted',
      target: 'app',
      checks: ['health', 'version'],
      suites: [checks],
      smoke: { specs: [goldenPath] },
      requires: { stages: [{ stage: 'canary' }] },
    },
    dr: {
      // A disaster-recovery drill restores the newest backup, boots the app on it and runs the
      // golden path, against RPO and RTO budgets. First declare the app's data on its target,
      // `backups: { data: [{ kind: 'sqlite', name: 'main', path: 'data/app.sqlite' }] }` (or
      // { kind: 'postgres' | 'mysql', name, urlEnv }, or a folder: { kind: 'files', name:
      // 'uploads', path: 'data/uploads' }), and take backups with `npx rollgate backup` (into
      // backups/, as `<name>-<time>`). Each is recorded in reports/backups.jsonl, which the drill
      // checks: keep reports/ between the backup and the drill (or share ROLLGATE_LEDGER_URL).
      // Then add `drill: { backups: { dir: 'backups', pattern: 'main-*' }, rpo: '1h', rto: '30m' }`
      // here and a target that starts your app on the restored data: its embedded env uses
      // {restoredDatabaseUrl} for a database, {restoredDataDir} for a folder. Then take
      // rollgate/dr.suite.ts out of `suites`. See node_modules/rollgate/docs/backups.md.
      description: 'Disaster-recovery drill (to be declared: see rollgate/dr.suite.ts)',
      target: 'app',
      suites: ['rollgate/dr.suite.ts'],
    },
  },
});
