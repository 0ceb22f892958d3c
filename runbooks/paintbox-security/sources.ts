import type { RunbookInput } from 'rollgate';

/**
 * The Paintbox security and infrastructure master plan, item by item: every checkbox, success
 * criterion, critical issue, phase, implementation step, risk measure and communication line, each
 * with what encodes it (`stage:check-id`, or the sign-off that does and why). Labels are short and
 * ours; the plan's text is not copied. `rollgate coverage --runbook …` reports them.
 */

type Signoff = { title: string; role: string; reason: string };

/** Every sign-off of the runbook: what only a person can attest on the stand-in, and why. */
export const SIGNOFF = {
  vault: {
    title: 'Secrets manager entries and access in place',
    role: 'security',
    reason:
      "the vault's entries and the IAM role that reads them live in the AWS console, which the stand-in does not have; runtime-config and the telemetry probe prove the app gets its secrets at runtime, secret-scan that none is in the config",
  },
  multiRegion: {
    title: 'Second region with database replica and routing',
    role: 'operations',
    reason:
      'the stand-in is one process on one machine: a second Fly region, a PostgreSQL replica and Redis replication cannot be observed here',
  },
  failover: {
    title: 'Region failover rehearsed',
    role: 'operations',
    reason:
      'a failover between regions needs two regions; the dr stage proves restoring from backup, not a regional switch',
  },
  redis: {
    title: 'Redis configured for production',
    role: 'operations',
    reason:
      'the stand-in has no Redis: its persistence (AOF and RDB), memory policy, Sentinel and monitoring are settings of a server that is not here',
  },
  websocket: {
    title: 'WebSocket round trips within 50 ms',
    role: 'performance',
    reason:
      'the stand-in serves no WebSocket, so there is nothing to time; on the real deployment this becomes a metric check on its socket latency',
  },
  cdn: {
    title: 'CDN in front of the app',
    role: 'performance',
    reason:
      'the stand-in is served directly on loopback with no CDN (and no CDN may be reached from here); the app cache stands in for the hit ratio',
  },
  scaling: {
    title: 'Machine size and autoscaling set on Fly',
    role: 'performance',
    reason:
      'VM size and autoscaling rules are Fly platform settings; the performance stage observes their effect (memory and CPU under load), not the settings',
  },
  monitoring: {
    title: 'Dashboards, alerts and log aggregation configured',
    role: 'operations',
    reason:
      "alert rules, dashboards and log shipping live in the monitoring vendor's console; rollgate reads the app's metrics itself and cannot see what pages a person",
  },
  rollback: {
    title: 'Rollback commands documented and automated',
    role: 'operations',
    reason:
      'rolling back is an action on the platform (a release tag, a Fly deploy); a HOLD says when to roll back but rollgate does not deploy',
  },
  tooling: {
    title: 'Unified Makefile and one multi-stage Dockerfile',
    role: 'engineering',
    reason: "build and developer tooling in the app's repository, not a state of the running deployment",
  },
  docs: {
    title: 'Operations documentation up to date',
    role: 'operations',
    reason: 'documents are written and reviewed by people; a check cannot judge that they are complete',
  },
  tests: {
    title: "Application's own test suite green",
    role: 'engineering',
    reason: "the app's unit and integration tests run in its CI; the stand-in has none of Paintbox's code",
  },
  comms: {
    title: 'Stakeholders kept informed',
    role: 'operations',
    reason: 'notices, hourly updates, summaries and escalation are messages between people',
  },
  securityApproval: {
    title: 'Security team approval',
    role: 'security',
    reason: 'an approval is a decision, not a state of the deployment',
  },
  performanceApproval: {
    title: 'Performance team approval',
    role: 'performance',
    reason: 'an approval is a decision, not a state of the deployment',
  },
  operationsApproval: {
    title: 'Operations team approval',
    role: 'operations',
    reason: 'an approval is a decision, not a state of the deployment',
  },
  businessApproval: {
    title: 'Business stakeholder approval',
    role: 'business',
    reason: 'an approval is a decision, not a state of the deployment',
  },
} satisfies Record<string, Signoff>;

type Item = NonNullable<RunbookInput['sources']>[number]['items'][number];

const by = (s: Signoff) => ({ signoff: s.title });

/** Check references, stage-qualified. */
const security = {
  scan: 'security:hygiene/secret-scan',
  runtime: 'security:hygiene/runtime-config',
  telemetry: 'security:probes/health-telemetry',
  headers: 'security:security/headers',
  cookie: 'security:security/session-cookie',
  cors: 'security:security/cors',
  rateLimit: 'security:security/rate-limit',
  csrf: 'security:security/csrf',
  tls: 'security:security/tls',
  input: 'security:api/input-validation',
};
const dr = {
  backup: 'dr:drill/backup',
  recorded: 'dr:drill/backup-recorded',
  hygiene: 'dr:drill/backup-hygiene',
  restore: 'dr:drill/verify-restore',
  content: 'dr:drill/restore-content',
  rpo: 'dr:drill/rpo',
  rto: 'dr:drill/rto',
};
const perf = {
  load: 'performance:load/paintbox',
  p95: 'performance:metrics/p95-latency',
  errors: 'performance:metrics/error-ratio',
  cache: 'performance:metrics/cache-hit-ratio',
  connMax: 'performance:metrics/db-connections-max',
  poolUsed: 'performance:metrics/db-pool-used',
  memory: 'performance:metrics/memory-peak',
  memoryGrowth: 'performance:metrics/memory-stability',
  cpu: 'performance:metrics/cpu-cores',
  up: 'performance:metrics/monitoring-up',
  calc: 'performance:perf/calculation',
  invalidation: 'performance:perf/cache-invalidation',
  staticCache: 'performance:perf/static-asset-caching',
  availability: 'performance:availability/zero-downtime',
};
const pre = {
  audit: 'predeploy:hygiene/dependency-audit',
  scan: 'predeploy:hygiene/secret-scan',
  security: 'predeploy:requires/security',
  performance: 'predeploy:requires/performance',
};
const rel = {
  simple: 'release:probes/health-simple',
  deep: 'release:probes/health-deep',
  version: 'release:probes/version-matches',
  headers: 'release:security/headers',
  tls: 'release:security/tls',
  metrics: 'release:probes/metrics',
  availability: 'release:availability/zero-downtime',
  predeploy: 'release:requires/predeploy',
  drill: 'release:requires/drill',
};
const monitor = ['monitor:probes/health-simple', 'monitor:probes/health-deep'];

const apiSecurity = [security.rateLimit, security.cors, security.headers, security.input, security.csrf];

const issues = 'Executive summary / Critical issues';
const p1 = 'Phase 1: security hardening';
const p2 = 'Phase 2: disaster recovery';
const p3 = 'Phase 3: performance';
const p4 = 'Phase 4: developer experience';
const seq = 'Implementation sequence';
const success = 'Success criteria';
const risk = 'Risk mitigation';
const comms = 'Communication plan';
const checklist = 'Validation checklist';

const items: Item[] = [
  // The critical issues the plan opens with: each must be gone once it is done.
  {
    section: issues,
    kind: 'criterion',
    label: 'Database password no longer in fly.toml',
    checks: [security.scan, pre.scan],
  },
  {
    section: issues,
    kind: 'criterion',
    label: 'Disaster recovery exists (backups restore)',
    checks: [dr.restore, dr.rpo, dr.rto],
  },
  {
    section: issues,
    kind: 'criterion',
    label: 'Memory no longer too small for the load',
    checks: [perf.memory],
  },
  {
    section: issues,
    kind: 'criterion',
    label: 'Database connections pooled',
    checks: [perf.connMax, perf.poolUsed],
  },
  { section: issues, kind: 'criterion', label: 'CDN configured', ...by(SIGNOFF.cdn) },
  { section: issues, kind: 'criterion', label: 'API rate limiting present', checks: [security.rateLimit] },

  // Phase 1
  { section: p1, kind: 'step', label: 'Phase 1 done before anything else', checks: [pre.security] },
  {
    section: `${p1} / 1.1 Credentials out of fly.toml`,
    label: 'DATABASE_URL out of fly.toml',
    checks: [security.scan, security.runtime],
  },
  {
    section: `${p1} / 1.1 Credentials out of fly.toml`,
    label: 'REDIS_URL out of fly.toml',
    checks: [security.scan],
  },
  {
    section: `${p1} / 1.1 Credentials out of fly.toml`,
    label: 'fly.toml without any credential',
    checks: [security.scan, pre.scan],
  },
  {
    section: `${p1} / 1.1 Credentials out of fly.toml`,
    label: 'App reads its secrets at runtime',
    checks: [security.runtime, security.telemetry],
  },
  {
    section: `${p1} / 1.2 Secrets manager`,
    label: 'Vault entries for database, Redis, CRM, photos, API keys',
    ...by(SIGNOFF.vault),
  },
  {
    section: `${p1} / 1.2 Secrets manager`,
    label: 'IAM role for Fly to read the vault',
    ...by(SIGNOFF.vault),
  },
  {
    section: `${p1} / 1.2 Secrets manager`,
    label: 'Secrets fetched at app start-up',
    checks: [security.runtime, security.telemetry],
  },
  {
    section: `${p1} / 1.3 API security`,
    label: 'Rate limiting middleware, 100 requests a minute',
    checks: [security.rateLimit],
  },
  { section: `${p1} / 1.3 API security`, label: 'CORS policy', checks: [security.cors] },
  {
    section: `${p1} / 1.3 API security`,
    label: 'Input validation middleware',
    checks: [security.input, security.csrf],
  },
  {
    section: `${p1} / 1.3 API security`,
    label: 'Security headers (HSTS, CSP and others)',
    checks: [security.headers, security.cookie, security.tls],
  },

  // Phase 2
  {
    section: p2,
    kind: 'step',
    label: 'Phase 2 done within a day',
    checks: [dr.backup, dr.restore, dr.rpo, dr.rto],
  },
  {
    section: `${p2} / 2.1 Backups`,
    label: 'Automated database backups',
    checks: [dr.backup, dr.recorded, dr.hygiene],
  },
  { section: `${p2} / 2.1 Backups`, label: '30 days of backups retained', checks: [dr.hygiene] },
  {
    section: `${p2} / 2.1 Backups`,
    label: 'Point-in-time recovery (recovery point within the RPO)',
    checks: [dr.rpo, dr.hygiene],
  },
  { section: `${p2} / 2.1 Backups`, label: 'Backup verification script', checks: [dr.restore, dr.content] },
  { section: `${p2} / 2.1 Backups`, label: 'Recovery procedure written down', ...by(SIGNOFF.docs) },
  { section: `${p2} / 2.2 Multi-region`, label: 'Second region (Chicago)', ...by(SIGNOFF.multiRegion) },
  { section: `${p2} / 2.2 Multi-region`, label: 'PostgreSQL read replica', ...by(SIGNOFF.multiRegion) },
  { section: `${p2} / 2.2 Multi-region`, label: 'Redis replication', ...by(SIGNOFF.redis) },
  {
    section: `${p2} / 2.2 Multi-region`,
    label: 'Routing on health checks',
    checks: [rel.simple, rel.deep, ...monitor],
  },
  { section: `${p2} / 2.2 Multi-region`, label: 'Failover between regions tested', ...by(SIGNOFF.failover) },
  { section: `${p2} / 2.3 Rollback`, label: 'Versioned deployment tags', checks: [rel.version] },
  {
    section: `${p2} / 2.3 Rollback`,
    label: 'Blue-green switch with zero downtime',
    checks: [rel.availability, rel.version],
  },
  { section: `${p2} / 2.3 Rollback`, label: 'Rollback commands documented', ...by(SIGNOFF.rollback) },
  { section: `${p2} / 2.3 Rollback`, label: 'Rollback automation script', ...by(SIGNOFF.rollback) },

  // Phase 3
  {
    section: p3,
    kind: 'step',
    label: 'Phase 3 done within two days',
    checks: [perf.load, perf.p95, perf.calc],
  },
  {
    section: `${p3} / 3.1 Resources`,
    label: 'VM memory 1 GB (memory peak fits)',
    checks: [perf.memory, perf.memoryGrowth],
  },
  { section: `${p3} / 3.1 Resources`, label: '4 CPU cores (CPU use within them)', checks: [perf.cpu] },
  { section: `${p3} / 3.1 Resources`, label: 'Autoscaling rules', ...by(SIGNOFF.scaling) },
  { section: `${p3} / 3.1 Resources`, label: 'Alerts on resource use', ...by(SIGNOFF.monitoring) },
  {
    section: `${p3} / 3.2 Database`,
    label: 'Connection pooling (pgbouncer)',
    checks: [perf.connMax, perf.poolUsed],
  },
  {
    section: `${p3} / 3.2 Database`,
    label: 'Pool of 5 to 20 connections (at most 20 in use)',
    checks: [perf.connMax],
  },
  {
    section: `${p3} / 3.2 Database`,
    label: 'Query results cached (cache hit ratio)',
    checks: [perf.cache, perf.invalidation],
  },
  {
    section: `${p3} / 3.2 Database`,
    label: 'Slow queries optimised (p95 and calculation budgets)',
    checks: [perf.p95, perf.load, perf.calc],
  },
  { section: `${p3} / 3.3 CDN`, label: 'Cloudflare CDN set up', ...by(SIGNOFF.cdn) },
  { section: `${p3} / 3.3 CDN`, label: 'Static assets cacheable', checks: [perf.staticCache] },
  {
    section: `${p3} / 3.3 CDN`,
    label: 'Cache invalidation strategy (app cache drops changed lists)',
    checks: [perf.invalidation],
  },
  { section: `${p3} / 3.3 CDN`, label: 'CDN monitored', ...by(SIGNOFF.monitoring) },
  { section: `${p3} / 3.4 Redis`, label: 'Redis persistence, AOF and RDB', ...by(SIGNOFF.redis) },
  { section: `${p3} / 3.4 Redis`, label: 'Redis maxmemory policy', ...by(SIGNOFF.redis) },
  { section: `${p3} / 3.4 Redis`, label: 'Redis Sentinel', ...by(SIGNOFF.redis) },
  { section: `${p3} / 3.4 Redis`, label: 'Redis monitored', ...by(SIGNOFF.redis) },

  // Phase 4
  { section: p4, kind: 'step', label: 'Phase 4 done within three days', ...by(SIGNOFF.tooling) },
  {
    section: `${p4} / 4.1 Makefile`,
    label: 'One Makefile with every ops target',
    ...by(SIGNOFF.tooling),
  },
  { section: `${p4} / 4.2 Dockerfile`, label: 'Dockerfiles merged into one', ...by(SIGNOFF.tooling) },
  { section: `${p4} / 4.2 Dockerfile`, label: 'Multi-stage build', ...by(SIGNOFF.tooling) },
  { section: `${p4} / 4.2 Dockerfile`, label: 'Smaller image', ...by(SIGNOFF.tooling) },
  { section: `${p4} / 4.2 Dockerfile`, label: 'Docker layers reused between builds', ...by(SIGNOFF.tooling) },
  { section: `${p4} / 4.3 Documentation`, label: 'Operations runbook', ...by(SIGNOFF.docs) },
  { section: `${p4} / 4.3 Documentation`, label: 'Deployment guide updated', ...by(SIGNOFF.docs) },
  { section: `${p4} / 4.3 Documentation`, label: 'Incident response written down', ...by(SIGNOFF.docs) },
  { section: `${p4} / 4.3 Documentation`, label: 'Architecture diagrams', ...by(SIGNOFF.docs) },
  { section: `${p4} / 4.4 Monitoring`, label: 'Monitoring dashboard', ...by(SIGNOFF.monitoring) },
  { section: `${p4} / 4.4 Monitoring`, label: 'Critical alerts', ...by(SIGNOFF.monitoring) },
  { section: `${p4} / 4.4 Monitoring`, label: 'Log aggregation', ...by(SIGNOFF.monitoring) },
  {
    section: `${p4} / 4.4 Monitoring`,
    label: 'Performance baselines recorded per release',
    checks: [perf.load, perf.p95],
  },

  // Implementation sequence
  {
    section: `${seq} / Day 1`,
    kind: 'step',
    label: 'Remove the exposed credentials',
    checks: [security.scan],
  },
  { section: `${seq} / Day 1`, kind: 'step', label: 'Set up the secrets manager', ...by(SIGNOFF.vault) },
  {
    section: `${seq} / Day 1`,
    kind: 'step',
    label: 'App gets its secrets from the manager',
    checks: [security.runtime, security.telemetry],
  },
  { section: `${seq} / Day 1`, kind: 'step', label: 'API security in place', checks: apiSecurity },
  {
    section: `${seq} / Day 2`,
    kind: 'step',
    label: 'Database backups configured',
    checks: [dr.backup, dr.hygiene],
  },
  { section: `${seq} / Day 2`, kind: 'step', label: 'Multi-region deployment', ...by(SIGNOFF.multiRegion) },
  { section: `${seq} / Day 2`, kind: 'step', label: 'Failover tested', ...by(SIGNOFF.failover) },
  { section: `${seq} / Day 3`, kind: 'step', label: 'More memory and CPU', checks: [perf.memory, perf.cpu] },
  {
    section: `${seq} / Day 3`,
    kind: 'step',
    label: 'Connection pooling',
    checks: [perf.connMax, perf.poolUsed],
  },
  { section: `${seq} / Day 3`, kind: 'step', label: 'CDN', ...by(SIGNOFF.cdn) },
  { section: `${seq} / Day 4`, kind: 'step', label: 'Unified Makefile', ...by(SIGNOFF.tooling) },
  { section: `${seq} / Day 4`, kind: 'step', label: 'Dockerfiles consolidated', ...by(SIGNOFF.tooling) },
  { section: `${seq} / Day 4`, kind: 'step', label: 'Documentation complete', ...by(SIGNOFF.docs) },

  // Success criteria
  {
    section: `${success} / Security`,
    kind: 'criterion',
    label: 'No credential in the shipped config',
    checks: [security.scan, pre.scan],
  },
  {
    section: `${success} / Security`,
    kind: 'criterion',
    label: 'Every secret from the manager, none in files',
    checks: [security.runtime, security.telemetry, security.scan],
  },
  {
    section: `${success} / Security`,
    kind: 'criterion',
    label: 'Rate limiting active',
    checks: [security.rateLimit],
  },
  { section: `${success} / Security`, kind: 'criterion', label: 'CORS enforced', checks: [security.cors] },
  {
    section: `${success} / Security`,
    kind: 'criterion',
    label: 'Security headers on',
    checks: [security.headers, rel.headers],
  },
  {
    section: `${success} / Reliability`,
    kind: 'criterion',
    label: '99.9% uptime',
    checks: [rel.availability, perf.availability, perf.errors],
  },
  {
    section: `${success} / Reliability`,
    kind: 'criterion',
    label: 'RPO under an hour',
    checks: [dr.rpo, dr.hygiene],
  },
  { section: `${success} / Reliability`, kind: 'criterion', label: 'RTO under 30 minutes', checks: [dr.rto] },
  {
    section: `${success} / Reliability`,
    kind: 'criterion',
    label: 'Multi-region active',
    ...by(SIGNOFF.multiRegion),
  },
  {
    section: `${success} / Reliability`,
    kind: 'criterion',
    label: 'Automated backups running',
    checks: [dr.hygiene, dr.recorded],
  },
  {
    section: `${success} / Performance`,
    kind: 'criterion',
    label: 'API p95 response time under 200 ms',
    checks: [perf.p95, perf.load],
  },
  {
    section: `${success} / Performance`,
    kind: 'criterion',
    label: 'Calculation under 100 ms',
    checks: [perf.load, perf.calc],
  },
  {
    section: `${success} / Performance`,
    kind: 'criterion',
    label: 'WebSocket latency under 50 ms',
    ...by(SIGNOFF.websocket),
  },
  {
    section: `${success} / Performance`,
    kind: 'criterion',
    label: 'Cache hit ratio above 80%',
    checks: [perf.cache],
  },
  {
    section: `${success} / Performance`,
    kind: 'criterion',
    label: 'Database connection pool in use',
    checks: [perf.poolUsed, perf.connMax],
  },
  {
    section: `${success} / Operations`,
    kind: 'criterion',
    label: 'Deploys in one command',
    ...by(SIGNOFF.tooling),
  },
  {
    section: `${success} / Operations`,
    kind: 'criterion',
    label: 'Monitoring covers the app',
    checks: [perf.up, rel.metrics],
  },
  {
    section: `${success} / Operations`,
    kind: 'criterion',
    label: 'Procedures documented',
    ...by(SIGNOFF.docs),
  },
  {
    section: `${success} / Operations`,
    kind: 'criterion',
    label: 'Rollback automated',
    ...by(SIGNOFF.rollback),
  },

  // Risk mitigation
  {
    section: `${risk} / During`,
    kind: 'criterion',
    label: 'Changes proven on earlier stages first',
    checks: [rel.predeploy, pre.security, pre.performance],
  },
  {
    section: `${risk} / During`,
    kind: 'rollback',
    label: 'Rollback possible at every step',
    ...by(SIGNOFF.rollback),
  },
  {
    section: `${risk} / During`,
    kind: 'criterion',
    label: 'App health watched continuously',
    checks: [...monitor, rel.availability],
  },
  {
    section: `${risk} / During`,
    kind: 'criterion',
    label: 'Stakeholders told of progress',
    ...by(SIGNOFF.comms),
  },
  {
    section: `${risk} / After`,
    kind: 'criterion',
    label: 'Security audit (scan of dependencies and API)',
    checks: [pre.audit, ...apiSecurity],
  },
  { section: `${risk} / After`, kind: 'criterion', label: 'Load test', checks: [perf.load] },
  { section: `${risk} / After`, kind: 'criterion', label: 'Lessons learned written', ...by(SIGNOFF.docs) },
  {
    section: `${risk} / After`,
    kind: 'criterion',
    label: 'Regular disaster-recovery drills',
    checks: [rel.drill, dr.rto],
  },

  // Communication plan
  {
    section: `${comms} / Stakeholder updates`,
    kind: 'step',
    label: 'Notice of the maintenance window',
    ...by(SIGNOFF.comms),
  },
  {
    section: `${comms} / Stakeholder updates`,
    kind: 'step',
    label: 'Hourly progress updates',
    ...by(SIGNOFF.comms),
  },
  {
    section: `${comms} / Stakeholder updates`,
    kind: 'step',
    label: 'Closing summary with metrics',
    ...by(SIGNOFF.comms),
  },
  {
    section: `${comms} / Incident response`,
    kind: 'step',
    label: 'Primary contact named',
    ...by(SIGNOFF.comms),
  },
  {
    section: `${comms} / Incident response`,
    kind: 'step',
    label: 'Escalation path known',
    ...by(SIGNOFF.comms),
  },
  {
    section: `${comms} / Incident response`,
    kind: 'step',
    label: 'Deploy channel used',
    ...by(SIGNOFF.comms),
  },

  // Validation checklist
  { section: `${checklist} / Pre-deployment`, label: 'All tests passing', ...by(SIGNOFF.tests) },
  { section: `${checklist} / Pre-deployment`, label: 'Security scan done', checks: [pre.audit, pre.scan] },
  {
    section: `${checklist} / Pre-deployment`,
    label: 'Performance benchmarks met',
    checks: [pre.performance, perf.load],
  },
  { section: `${checklist} / Pre-deployment`, label: 'Documentation updated', ...by(SIGNOFF.docs) },
  {
    section: `${checklist} / Post-deployment`,
    label: 'Health checks passing',
    checks: [rel.simple, rel.deep],
  },
  { section: `${checklist} / Post-deployment`, label: 'Monitoring active', checks: [rel.metrics, perf.up] },
  { section: `${checklist} / Post-deployment`, label: 'Alerts configured', ...by(SIGNOFF.monitoring) },
  { section: `${checklist} / Post-deployment`, label: 'Backup verified', checks: [rel.drill, dr.restore] },
  { section: `${checklist} / Sign-off`, label: 'Security team approval', ...by(SIGNOFF.securityApproval) },
  {
    section: `${checklist} / Sign-off`,
    label: 'Performance team approval',
    ...by(SIGNOFF.performanceApproval),
  },
  {
    section: `${checklist} / Sign-off`,
    label: 'Operations team approval',
    ...by(SIGNOFF.operationsApproval),
  },
  {
    section: `${checklist} / Sign-off`,
    label: 'Business stakeholder approval',
    ...by(SIGNOFF.businessApproval),
  },
];

export const paintboxPlan = {
  document: '001_afebe8033565d671.txt',
  title: 'Paintbox production deployment master plan: security and infrastructure fixes',
  items,
};
