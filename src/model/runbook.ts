import { z } from 'zod';
import {
  AccessibilityPolicy,
  AuditPolicy,
  Auth,
  Backups,
  BuiltinCheckName,
  envName,
  Health,
  SecurityPolicy,
  TlsPolicy,
  VersionSource,
} from './declarations.ts';
import { addDeclaredCheckIssues } from './declared-checks.ts';
import { DrillSpec } from './drill.ts';
import { DeployWindow, Requirements, SignoffItem } from './governance.ts';
import { LoadMetric, Operator } from './measurement.ts';
import { addMetricIssues } from './metric-rules.ts';
import { MetricCheck, MetricProvider, MetricTest } from './metrics.ts';
import { addNotifyIssues, Notify } from './notify.ts';
import { addRuleIssues } from './runbook-rules.ts';
import { PlaywrightOptions, VitestOptions } from './runner-options.ts';
import { SecretAllowlist } from './secret-allowlist.ts';
import { SecretPatterns } from './secret-patterns.ts';
import { addSourceIssues } from './source-rules.ts';
import { Source } from './sources.ts';
import { AvailabilitySpec, MaintenanceSpec } from './stage-guards.ts';
import { WatchSpec } from './watch.ts';

/** A limit a measurement must respect. */
export const Budget = z.strictObject({
  /** @example 'p95-latency' */
  name: z.string().min(1),
  operator: Operator,
  /** @example 500 */
  value: z.number(),
  /** @example 'ms' */
  unit: z.string().optional(),
  /** Fewer samples than this is inconclusive (never a pass). @example 30 */
  minSamples: z.number().int().positive().optional(),
  /** Load budgets: what is measured; by default read from the name ('p95-latency' → p95). */
  metric: LoadMetric.optional(),
  /**
   * Load rate budgets need 3 ÷ value requests: `inconclusive` (default) HOLDs on fewer; `judge`
   * compares whatever was seen (a low-traffic service that accepts the risk).
   */
  lowVolume: z.enum(['inconclusive', 'judge']).optional(),
  /** Load budgets: only this endpoint's requests (its name in the profile). @example 'estimates' */
  endpoint: z.string().min(1).optional(),
});
export type Budget = z.infer<typeof Budget>;

/** Merges the runbook's budgets with a stage's: the stage's win by name. */
export function stageBudgets(runbookBudgets: readonly Budget[], stage: readonly Budget[]): Budget[] {
  const own = new Set(stage.map((b) => b.name));
  return [...runbookBudgets.filter((b) => !own.has(b.name)), ...stage];
}

/** How to start the app when a target has no URL: the embedded default target. */
export const Embedded = z.strictObject({
  /** @example ['tsx', 'demo/main.ts'] */
  command: z.array(z.string().min(1)).min(1),
  /**
   * Environment for the app. Placeholders: `{runDir}` (the run's folder), `{scratchDir}` (a per-run
   * folder outside reports/), `{port}` (a free loopback port rollgate picks: the app is then reached at
   * http://127.0.0.1:<port> and no URL line is needed), and for a drill's restored target
   * `{restoredDatabaseUrl}` / `{restoredDataDir}`. The app gets NO_COLOR=1.
   * @example { DEMO_DATABASE_URL: 'sqlite:{runDir}/demo.sqlite', PORT: '{port}' }
   */
  env: z.record(envName, z.string()).default({}),
  /** Line the app prints when ready (ANSI codes stripped); its first capture group is the base URL. Not needed with `{port}`. */
  readyPattern: z.string().default('listening on (http://\\S+)'),
  /** Path that answers 200 when the app is ready. @example '/api/simple-health' */
  readyPath: z.string().startsWith('/').default('/'),
  /** Version the embedded app reports; the default release under test. @example '0.1.0' */
  version: z.string().min(1),
  /** Giving up on start-up after this long is an error, not a pass. */
  startTimeoutMs: z.number().int().positive().default(30_000),
});
export type Embedded = z.infer<typeof Embedded>;

/** Where a stage points. */
export const Target = z.strictObject({
  /** Base URL of a real deployment; omit to start the embedded app. @example 'https://canary.example.com' */
  baseURL: z.string().url().optional(),
  /** How rollgate signs in, once per run; probes, built-in checks, load and golden paths use the session. */
  auth: Auth.optional(),
  /** Where the deployed version is: a path answering JSON with `version`, or a source. @example { path: '/api/info', json: 'build.version', signedIn: true } */
  version: z.union([z.string().startsWith('/'), VersionSource]).optional(),
  /** Health endpoints by name (`probes/health-<name>`): a path, or what the answer must hold. @example { live: '/healthz', ready: { path: '/readyz', json: { status: 'ok' }, latencyMs: 500 } } */
  health: Health.optional(),
  /** Environment label the deployment reports. @example 'production' */
  environment: z.string().optional(),
  /** Names (never values) of secrets this target needs; their values are masked in every output. @example ['SESSION_SECRET'] */
  secrets: z.array(envName).default([]),
  /** Environment variables that must be present for the stage to make sense. @example ['DATABASE_URL'] */
  requiredEnv: z.array(envName).default([]),
  /** Database the app uses, as an environment variable name holding its URL. @example 'DATABASE_URL' */
  databaseUrlEnv: envName.optional(),
  /**
   * Config files the deployment ships with, scanned for secrets (globs from the project root;
   * `{scratchDir}` is a per-run folder outside reports/). @example ['deploy/fly.toml', 'deploy/.env*']
   */
  configFiles: z.array(z.string().min(1)).default([]),
  /** Accepted secret-scan findings; each needs a reason. */
  secretAllowlist: SecretAllowlist.default([]),
  /**
   * The runbook's own secret patterns, scanned in configFiles next to the built-in rules; a finding
   * reads `custom/<id>` and covers the group `secret` (else group 1, else the match).
   * @example [{ id: 'acme-license', pattern: 'ACME-[0-9A-F]{24}', message: 'ACME licence keys belong in the vault' }]
   */
  secretPatterns: SecretPatterns.default([]),
  /** Its TLS certificate, checked by the built-in `tls`. @example { minDaysLeft: 14 } */
  tls: TlsPolicy.optional(),
  /** Its dependencies' advisories, checked by the built-in `dependency-audit`. @example { budget: { critical: 0, high: 0 } } */
  audit: AuditPolicy.optional(),
  /** Pages checked for WCAG 2.1 AA by the built-in `accessibility`. @example { paths: ['/login'] } */
  accessibility: AccessibilityPolicy.optional(),
  /** Request headers from environment variables (`'Bearer ${API_TOKEN}'`) and a CA bundle for probes. */
  http: z
    .strictObject({ headers: z.record(z.string(), z.string()).default({}), caFile: z.string().optional() })
    .optional(),
  /** A JWKS endpoint whose key set must be valid. @example '/.well-known/jwks.json' */
  jwksPath: z.string().startsWith('/').optional(),
  /** What the security built-ins check: header policy per rule, CORS, rate limit, CSRF, session cookie. */
  security: SecurityPolicy.optional(),
  /** The SQLite database at `databaseUrlEnv` must run in WAL mode (checked by `runtime-config`). */
  requireWal: z.boolean().default(false),
  /** The data `rollgate backup` copies, and where backups go. */
  backups: Backups.optional(),
  /** May checks that create or change records run against this target? */
  allowMutations: z.boolean().default(false),
  /** How to start the app when there is no baseURL. */
  embedded: Embedded.optional(),
});
export type Target = z.infer<typeof Target>;

/** A suite filter for Playwright golden paths. */
export const SmokeSelection = z.strictObject({
  /** Spec files under smoke/. @example ['smoke/golden-paths.spec.ts'] */
  specs: z.array(z.string().min(1)).min(1),
  /** Only tests whose title matches (Playwright --grep), typically a stage tag. @example '@canary' */
  grep: z.string().optional(),
});

/** Baseline-versus-canary judgement: Mann-Whitney U with a practical tolerance, errors by proportions. */
export const CanaryCompare = z.strictObject({
  /** One-sided confidence; 0.98 → significant when p < 0.02. */
  confidence: z.number().gt(0.5).lt(1).default(0.98),
  /** The canary median may be this many times the baseline's… @example 1.2 */
  medianRatio: z.number().min(1).default(1.2),
  /** …or this many ms more, whichever allows more. @example 5 */
  medianDeltaMs: z.number().min(0).default(5),
  /** Largest acceptable rise of the error rate over the baseline's, as a fraction. @example 0.005 */
  errorRateDelta: z.number().min(0).lt(1).default(0.005),
  /** Alternating slices per side, and their length. */
  slices: z.number().int().min(1).max(50).default(4),
  sliceMs: z.number().int().min(200).default(1000),
  /** Fewer latencies than this on either side is inconclusive (HOLD). */
  minSamples: z.number().int().positive().default(20),
});
export type CanaryCompare = z.infer<typeof CanaryCompare>;

/** A step of the rollout and the suites that gate it. */
export const Stage = z.strictObject({
  /** @example 'Canary at 5% of traffic' */
  description: z.string().optional(),
  /** Name of a target in `targets`. @example 'canary' */
  target: z.string().min(1),
  /** Built-in checks run from the target's declarations, no suite code. @example ['health', 'version', 'security-headers', 'secret-scan'] */
  checks: z.array(BuiltinCheckName).default([]),
  /** Vitest suites under runbooks/. @example ['runbooks/preflight.suite.ts'] */
  suites: z.array(z.string().min(1)).default([]),
  /** Only vitest tests whose name matches (vitest -t). */
  suiteFilter: z.string().optional(),
  /** Playwright golden paths. */
  smoke: SmokeSelection.optional(),
  /** Check ids (or `prefix*` patterns) whose failure does not hold the stage. @example ['golden-paths/*'] */
  advisory: z.array(z.string().min(1)).default([]),
  /** Retries per check; a pass on retry is `flaky`. */
  retries: z.number().int().min(0).max(5).default(0),
  /** What a flaky blocking check does to the verdict. */
  flaky: z.enum(['hold', 'promote']).default('hold'),
  /** Deadline for the whole stage; past it the run stops and holds (default 15 minutes). @example 600000 */
  timeoutMs: z.number().int().positive().optional(),
  /** Budgets the stage's checks evaluate, by measurement name. */
  budgets: z.array(Budget).default([]),
  /** When the stage may run; outside every window it holds unless overridden with a reason. */
  windows: z.array(DeployWindow).default([]),
  /** Earlier stages (same release) and drills this stage needs, read from the ledger. */
  requires: Requirements.optional(),
  /** A load profile run after the suites (nothing else running), judged by the stage's budgets. */
  load: z
    .strictObject({
      /** @example 'load/canary.profile.ts' */
      profile: z.string().min(1),
      /** k6 where it exists (`K6_BIN` or PATH), else the embedded engine (autocannon). */
      engine: z.enum(['auto', 'k6', 'autocannon']).default('auto'),
      /** Hosts other than loopback the profile may hit; nothing else is ever loaded. */
      hosts: z.array(z.string().min(1)).default([]),
      /** How the canary is judged against the stage's `baseline` (ignored without one). */
      compare: CanaryCompare.default(CanaryCompare.parse({})),
    })
    .optional(),
  /**
   * A target running the release the canary replaces. The load profile then runs against both,
   * interleaved, and the canary is judged against the baseline as well as the budgets.
   * @example 'baseline'
   */
  baseline: z.string().min(1).optional(),
  /** Makes the stage a disaster-recovery drill on the newest backup. */
  drill: DrillSpec.optional(),
  /**
   * Metric checks on real traffic, judged after the load step on a provider's series; no data,
   * NaN, stale series or a provider error is errored (HOLD). @example [{ name: 'error-ratio', query: '…', operator: '<', value: 0.005 }]
   */
  metrics: z.array(MetricCheck).default([]),
  /** Recorded series the metric checks are proven on by `rollgate metrics test`. */
  metricTests: z.array(MetricTest).default([]),
  /** Switch the target's maintenance mode on for the stage and off again, each proven by a check. */
  maintenance: MaintenanceSpec.optional(),
  /** Count failed requests of a probe loop while the stage runs (zero downtime). @example { path: '/api/simple-health', maxFailures: 0 } */
  availability: AvailabilitySpec.optional(),
  /** Repeat the stage's checks as a watch series. @example { interval: '1m', duration: '2h', failureLimit: 1 } */
  watch: WatchSpec.optional(),
  /** Playwright options for this stage, over the runbook's `playwright`. @example { navigationTimeout: 20000 } */
  playwright: PlaywrightOptions.optional(),
  /** Vitest options for this stage, over the runbook's `vitest`. @example { testTimeout: 60000 } */
  vitest: VitestOptions.optional(),
});
export type Stage = z.infer<typeof Stage>;

export const Runbook = z
  .strictObject({
    /** @example 'paintbox' */
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes'),
    description: z.string().optional(),
    targets: z.record(z.string(), Target),
    stages: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, 'stage names are lower-case words'), Stage),
    /** Items only a person can attest, declared with `manual()`. */
    signoffs: z.array(SignoffItem).default([]),
    /** Playwright options for every stage; a stage's own `playwright` overrides single fields. */
    playwright: PlaywrightOptions.optional(),
    /** Vitest options for every stage; a stage's own `vitest` overrides single fields. */
    vitest: VitestOptions.optional(),
    /**
     * Budgets every stage gets, declared once; a stage's own budget of the same name overrides it
     * ("error rate < 0.5% at 5% traffic, < 0.1% at 25%").
     */
    budgets: z.array(Budget).default([]),
    /**
     * The documents this runbook encodes, item by item (`rollgate coverage` reports what encodes each).
     * @example [{ document: 'rollout-plan.md', items: [{ section: 'Smoke tests', label: 'Login works', checks: ['golden-paths/login'] }] }]
     */
    sources: z.array(Source).default([]),
    /**
     * What the reports folder keeps: `retain` runs under reports/runs/, oldest pruned first after a
     * run is recorded (never the ledger nor the report's history). @example { retain: 10 }
     */
    reports: z
      .strictObject({
        /** Runs kept under reports/runs/; default all. ROLLGATE_RETAIN_RUNS overrides it. @example 10 */
        retain: z.number().int().positive().optional(),
      })
      .optional(),
    /** Metrics providers by name, used by the stages' metric checks. @example { prometheus: { type: 'prometheus' } } */
    providers: z
      .record(z.string().regex(/^[a-z][a-z0-9-]*$/, 'provider names are lower-case words'), MetricProvider)
      .default({}),
    /**
     * Webhooks told of recorded verdicts (Slack-compatible JSON); their URLs come only from the
     * environment. @example { webhooks: [{ name: 'ops', urlEnv: 'SLACK_WEBHOOK_URL', on: ['hold', 'drill-failed'] }] }
     */
    notify: Notify.optional(),
  })
  .superRefine((rb, ctx) => {
    for (const [name, stage] of Object.entries(rb.stages)) {
      if (!rb.targets[stage.target]) {
        ctx.addIssue({
          code: 'custom',
          path: ['stages', name, 'target'],
          message: `names target "${stage.target}", which is not declared; declare it under targets or use one of: ${Object.keys(rb.targets).join(', ') || '(none)'}`,
        });
      }
      if (stage.baseline && !rb.targets[stage.baseline]) {
        ctx.addIssue({
          code: 'custom',
          path: ['stages', name, 'baseline'],
          message: `names target "${stage.baseline}", which is not declared; declare it under targets or use one of: ${Object.keys(rb.targets).join(', ') || '(none)'}`,
        });
      }
      if (stage.baseline && stage.load?.engine === 'k6') {
        ctx.addIssue({
          code: 'custom',
          path: ['stages', name, 'load', 'engine'],
          message:
            "a baseline comparison runs on the embedded engine (per-request samples from both sides, interleaved): use engine 'auto' or 'autocannon'",
        });
      }
      if (stage.baseline && !stage.load) {
        ctx.addIssue({
          code: 'custom',
          path: ['stages', name, 'baseline'],
          message:
            'a baseline is compared under load: add a load profile (load: { profile: "load/….profile.ts" })',
        });
      }
      if (
        stage.suites.length === 0 &&
        !stage.smoke &&
        !stage.checks.length &&
        !stage.load &&
        !stage.drill &&
        !stage.metrics.length &&
        !stage.availability &&
        !stage.maintenance
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['stages', name],
          message:
            'gates nothing: list built-in checks, suites, smoke specs, metric checks or a load profile',
        });
      }
    }
    rb.signoffs.forEach((item, i) => {
      if (!rb.stages[item.stage]) {
        ctx.addIssue({
          code: 'custom',
          path: ['signoffs', i, 'stage'],
          message: `names stage "${item.stage}", which is not declared`,
        });
      }
    });
    // Stages named by requires (stages, drill, watch) and budgets no measurement can meet.
    addRuleIssues(rb, ctx);
    addDeclaredCheckIssues(rb, ctx);
    addMetricIssues(rb, ctx);
    addSourceIssues(rb, ctx);
    addNotifyIssues(rb, ctx);
    for (const [name, target] of Object.entries(rb.targets)) {
      if (!target.baseURL && !target.embedded) {
        ctx.addIssue({
          code: 'custom',
          path: ['targets', name],
          message: 'needs a baseURL or an embedded app to start',
        });
      }
    }
  })
  .transform((rb) => ({
    ...rb,
    stages: Object.fromEntries(
      Object.entries(rb.stages).map(([n, st]) => [
        n,
        { ...st, budgets: stageBudgets(rb.budgets, st.budgets) },
      ]),
    ),
  }));
export type Runbook = z.infer<typeof Runbook>;
export type RunbookInput = z.input<typeof Runbook>;
