import type { RunbookInput } from 'rollgate';

/**
 * The Eggshell production deployment plan, line by line: every checkbox, metric row (target and
 * alert apart), success and rollback criterion, stage and timeline row, each with what encodes it
 * (`stage:check-id`), or the sign-off that does and why a person signs it. Labels are ours; the
 * plan's text is not copied. `rollgate coverage --runbook runbooks/eggshell/eggshell.runbook.ts`
 * reports them.
 */

type Signoff = { title: string; stage: string; role: string; reason: string };

/** What only a person can attest on the stand-in, and why. */
export const SIGNOFF = {
  docker: {
    title: 'Docker configurations consolidated',
    stage: 'preflight',
    role: 'engineering',
    reason:
      "how many Dockerfiles and compose files the app's repository keeps is a fact of its source tree, not of a running deployment",
  },
  archive: {
    title: 'Legacy code archived',
    stage: 'preflight',
    role: 'engineering',
    reason: 'an archive of old code lives in the repository; nothing a deployment serves shows it',
  },
  design: {
    title: 'Eggshell design system in place',
    role: 'design',
    stage: 'preflight',
    reason:
      'whether pages follow the design system is a visual judgement; the accessibility check covers what a machine can judge of them',
  },
  salesforceSandbox: {
    title: 'Salesforce integration tested against the sandbox',
    stage: 'preflight',
    role: 'integrations',
    reason:
      "it needs Salesforce's sandbox and an account there; the stand-in talks to no vendor (telemetry/integrations-accurate checks the status the app reports)",
  },
  companycamUpload: {
    title: 'CompanyCam photo upload verified',
    stage: 'preflight',
    role: 'integrations',
    reason: "uploading a photo needs CompanyCam's API and an account; the stand-in talks to no vendor",
  },
  offlineQueue: {
    title: 'Offline queue validated on a device',
    stage: 'preflight',
    role: 'qa',
    reason:
      'the stand-in has no offline mode to take offline; queueing and replaying work is tried on a device with its network cut',
  },
  dashboards: {
    title: 'Monitoring dashboards prepared',
    stage: 'preflight',
    role: 'operations',
    reason:
      "dashboards are built in the monitoring vendor's console; the gate reads the app's metrics itself and cannot see a dashboard",
  },
  clientInfo: {
    title: 'Client details save with an estimate',
    stage: 'production',
    role: 'qa',
    reason:
      "the stand-in's estimates have no client records to fill in, so there is nothing to save and read back",
  },
  pdf: {
    title: 'PDF export of an estimate generates',
    stage: 'production',
    role: 'qa',
    reason: 'the stand-in has no PDF export; a person exports one estimate and opens the file',
  },
  salesforceSync: {
    title: 'Salesforce sync works in production',
    stage: 'production',
    role: 'integrations',
    reason:
      'a sync writes to the Salesforce org; the stand-in has none (the telemetry check covers its reported status)',
  },
  companycamProduction: {
    title: 'CompanyCam upload works in production',
    stage: 'production',
    role: 'integrations',
    reason: "an upload lands in CompanyCam's project storage, which the stand-in does not have",
  },
  offlineProduction: {
    title: 'Offline queue processes in production',
    stage: 'production',
    role: 'qa',
    reason: 'the stand-in has no offline queue; a person replays a queued change on a device',
  },
  keyRotation: {
    title: 'Auth signing key rotated after go-live',
    stage: 'production',
    role: 'security',
    reason:
      "rotating the key is done in Fly's store of the app's settings; the gate sees only that the variable is set (runtime-config)",
  },
  dns: {
    title: 'DNS rollback to the old app prepared',
    stage: 'production',
    role: 'operations',
    reason:
      "moving the domain's certificate and records back is done at Fly and the DNS provider, outside the stand-in",
  },
} satisfies Record<string, Signoff>;

type Item = NonNullable<RunbookInput['sources']>[number]['items'][number];

const goldenPaths = (stage: string) =>
  ['golden/login', 'golden/bad-login', 'golden/create-estimate'].map((id) => `${stage}:${id}`);
const tti = (stage: string) => [`${stage}:tti/login`, `${stage}:tti/estimates`];
const telemetry = (stage: string) => [
  `${stage}:probes/health-telemetry`,
  `${stage}:telemetry/build-info`,
  `${stage}:telemetry/integrations-accurate`,
];
const monitor = (stage: string) => [
  `${stage}:probes/health-simple`,
  `${stage}:probes/health-deep`,
  `${stage}:probes/health-telemetry`,
];

const items: Item[] = [
  // Deployment objectives
  {
    section: 'Deployment Objectives',
    label: 'safe rollout, validated at each stage',
    kind: 'criterion',
    checks: ['canary:requires/staging', 'production:requires/staging', 'production:requires/canary'],
  },
  {
    section: 'Deployment Objectives',
    label: 'no downtime for users',
    kind: 'criterion',
    checks: ['production:availability/zero-downtime'],
  },
  {
    section: 'Deployment Objectives',
    label: 'data integrity kept',
    kind: 'criterion',
    checks: ['dr:drill/verify-restore', 'dr:drill/restore-content'],
  },
  {
    section: 'Deployment Objectives',
    label: 'rollback possible at any point',
    kind: 'criterion',
    checks: ['production:requires/drill', 'dr:drill/rto'],
  },
  {
    section: 'Deployment Objectives',
    label: 'telemetry truthful from the start',
    kind: 'criterion',
    checks: telemetry('staging'),
  },

  // Pre-deployment checklist: critical fixes
  {
    section: 'Pre-Deployment Checklist / Critical Fixes Applied',
    label: 'database on a persistent file, not in memory',
    checks: ['preflight:hygiene/runtime-config'],
  },
  {
    section: 'Pre-Deployment Checklist / Critical Fixes Applied',
    label: 'container configurations consolidated',
    signoff: SIGNOFF.docker.title,
  },
  {
    section: 'Pre-Deployment Checklist / Critical Fixes Applied',
    label: 'one JWKS endpoint serving valid keys',
    checks: ['preflight:probes/jwks'],
  },
  {
    section: 'Pre-Deployment Checklist / Critical Fixes Applied',
    label: 'legacy code archived',
    signoff: SIGNOFF.archive.title,
  },
  {
    section: 'Pre-Deployment Checklist / Critical Fixes Applied',
    label: 'design system implemented',
    signoff: SIGNOFF.design.title,
  },

  // Code readiness
  {
    section: 'Pre-Deployment Checklist / Code Readiness',
    label: 'golden path end-to-end tests pass',
    checks: goldenPaths('preflight'),
  },
  {
    section: 'Pre-Deployment Checklist / Code Readiness',
    label: 'formula engine precision at 15 digits',
    checks: ['preflight:eggshell/calculation-precision'],
  },
  {
    section: 'Pre-Deployment Checklist / Code Readiness',
    label: 'Salesforce tested with its sandbox',
    signoff: SIGNOFF.salesforceSandbox.title,
  },
  {
    section: 'Pre-Deployment Checklist / Code Readiness',
    label: 'CompanyCam photo upload verified',
    signoff: SIGNOFF.companycamUpload.title,
  },
  {
    section: 'Pre-Deployment Checklist / Code Readiness',
    label: 'offline queue validated',
    signoff: SIGNOFF.offlineQueue.title,
  },
  {
    section: 'Pre-Deployment Checklist / Code Readiness',
    label: 'telemetry widget shows real status',
    checks: telemetry('preflight'),
  },
  {
    section: 'Pre-Deployment Checklist / Code Readiness',
    label: 'WCAG AA accessibility verified',
    checks: ['preflight:a11y/wcag-aa'],
  },

  // Infrastructure readiness
  {
    section: 'Pre-Deployment Checklist / Infrastructure Readiness',
    label: 'database volume provisioned: persistent file in WAL',
    checks: ['preflight:hygiene/runtime-config'],
  },
  {
    section: 'Pre-Deployment Checklist / Infrastructure Readiness',
    label: 'cache configured and serving reads',
    checks: ['canary:metrics/cache-hit-ratio'],
  },
  {
    section: 'Pre-Deployment Checklist / Infrastructure Readiness',
    label: 'secrets present at runtime and none in config files',
    checks: ['preflight:hygiene/runtime-config', 'preflight:hygiene/secret-scan'],
  },
  {
    section: 'Pre-Deployment Checklist / Infrastructure Readiness',
    label: 'monitoring dashboards prepared',
    signoff: SIGNOFF.dashboards.title,
  },
  {
    section: 'Pre-Deployment Checklist / Infrastructure Readiness',
    label: 'backup strategy in place: a recent backup restores',
    checks: ['dr:drill/backup', 'dr:drill/backup-hygiene', 'dr:drill/verify-restore'],
  },

  // Stage 1: staging
  {
    section: 'Deployment Stages / Stage 1: Staging Deployment',
    label: 'staging deployed, health endpoint answers',
    kind: 'step',
    checks: ['staging:probes/health-simple', 'staging:probes/health-deep'],
  },
  {
    section: 'Deployment Stages / Stage 1: Staging Deployment',
    label: 'database initialised: schema answers queries',
    kind: 'step',
    checks: ['staging:probes/health-deep'],
  },
  {
    section: 'Deployment Stages / Stage 1: Staging Deployment / Validation',
    label: 'app loads without errors',
    checks: ['staging:probes/health-simple', 'staging:golden/login'],
  },
  {
    section: 'Deployment Stages / Stage 1: Staging Deployment / Validation',
    label: 'database persistence verified',
    checks: ['staging:hygiene/runtime-config', 'staging:probes/health-deep'],
  },
  {
    section: 'Deployment Stages / Stage 1: Staging Deployment / Validation',
    label: 'telemetry says staging',
    checks: ['staging:probes/health-telemetry'],
  },
  {
    section: 'Deployment Stages / Stage 1: Staging Deployment / Validation',
    label: 'golden paths functional (those the stand-in has; the rest are sign-offs below)',
    checks: [...goldenPaths('staging'), 'staging:eggshell/calculation-precision'],
  },
  {
    section: 'Deployment Stages / Stage 1: Staging Deployment / Validation',
    label: 'estimate calculations accurate',
    checks: ['staging:eggshell/calculation-precision', 'staging:golden/create-estimate'],
  },

  // Stage 2: canary
  {
    section: 'Deployment Stages / Stage 2: Canary Deployment',
    label: 'canary takes 10% of traffic beside the old release',
    kind: 'step',
    checks: ['canary:load/eggshell-traffic'],
  },
  {
    section: 'Deployment Stages / Stage 2: Canary Deployment',
    label: 'canary watched for 2 hours (4 on the timeline)',
    kind: 'step',
    checks: monitor('canary-monitor'),
  },
  {
    section: 'Deployment Stages / Stage 2: Canary Deployment',
    label: 'error rates do not rise against the old release',
    kind: 'criterion',
    checks: ['canary:metrics/error-ratio-vs-baseline', 'canary:load/eggshell-traffic'],
  },
  {
    section: 'Deployment Stages / Stage 2: Canary Deployment / Success Criteria',
    label: 'error rate under 0.1%',
    kind: 'criterion',
    checks: ['canary:metrics/error-ratio', 'canary:load/eggshell-traffic'],
  },
  {
    section: 'Deployment Stages / Stage 2: Canary Deployment / Success Criteria',
    label: 'TTI under 2.5 s kept',
    kind: 'criterion',
    checks: tti('canary'),
  },
  {
    section: 'Deployment Stages / Stage 2: Canary Deployment / Success Criteria',
    label: 'no database connection issues',
    kind: 'criterion',
    checks: ['canary:metrics/db-connections', 'canary:probes/health-deep'],
  },
  {
    section: 'Deployment Stages / Stage 2: Canary Deployment / Success Criteria',
    label: 'memory usage stable',
    kind: 'criterion',
    checks: ['canary:metrics/memory-stability'],
  },

  // Stage 3: blue-green production
  {
    section: 'Deployment Stages / Stage 3: Blue-Green Production',
    label: 'new version up beside the old one',
    kind: 'step',
    checks: ['production:probes/health-deep', 'production:probes/version-matches'],
  },
  {
    section: 'Deployment Stages / Stage 3: Blue-Green Production',
    label: 'smoke tests on production',
    kind: 'step',
    checks: goldenPaths('production'),
  },
  {
    section: 'Deployment Stages / Stage 3: Blue-Green Production',
    label: 'traffic switched without a failed request',
    kind: 'step',
    checks: ['production:availability/zero-downtime'],
  },
  {
    section: 'Deployment Stages / Stage 3: Blue-Green Production',
    label: 'production watched after the switch (30 minutes; 24 hours on the timeline)',
    kind: 'step',
    checks: monitor('production-monitor'),
  },

  // Rollback plan
  {
    section: 'Rollback Plan / Immediate Rollback',
    label: 'back on the previous version within 5 minutes',
    kind: 'rollback',
    checks: ['dr:drill/rto', 'production:requires/drill'],
  },
  {
    section: 'Rollback Plan / Database Rollback',
    label: 'database restored from its backup',
    kind: 'rollback',
    checks: ['dr:drill/verify-restore', 'dr:drill/rpo'],
  },
  {
    section: 'Rollback Plan / DNS Rollback',
    label: 'domain pointed back at the old app',
    kind: 'rollback',
    signoff: SIGNOFF.dns.title,
  },

  // Key metrics: target and alert threshold of each row
  {
    section: 'Monitoring Setup / Key Metrics',
    label: 'uptime 99.9% (target)',
    kind: 'metric',
    checks: ['production-monitor:availability/zero-downtime', 'production-monitor:probes/health-simple'],
  },
  {
    section: 'Monitoring Setup / Key Metrics',
    label: 'uptime under 99.5% (alert; the watch holds at the target first)',
    kind: 'threshold',
    checks: ['production-monitor:availability/zero-downtime', 'production-monitor:probes/health-simple'],
  },
  {
    section: 'Monitoring Setup / Key Metrics',
    label: 'TTI under 2.5 s (target)',
    kind: 'metric',
    checks: tti('production'),
  },
  {
    section: 'Monitoring Setup / Key Metrics',
    label: 'TTI over 3 s (alert; held at the target first)',
    kind: 'threshold',
    checks: tti('production'),
  },
  {
    section: 'Monitoring Setup / Key Metrics',
    label: 'error rate under 0.1% (target)',
    kind: 'metric',
    checks: ['canary:metrics/error-ratio', 'production:metrics/error-ratio'],
  },
  {
    section: 'Monitoring Setup / Key Metrics',
    label: 'error rate over 0.5% (alert; held at the target first)',
    kind: 'threshold',
    checks: [
      'canary:metrics/error-ratio',
      'production:metrics/error-ratio',
      'production:load/eggshell-traffic',
    ],
  },
  {
    section: 'Monitoring Setup / Key Metrics',
    label: 'database size under 1 GB (target)',
    kind: 'metric',
    checks: ['production:metrics/database-size', 'production-monitor:metrics/database-size'],
  },
  {
    section: 'Monitoring Setup / Key Metrics',
    label: 'database size over 900 MB (alert, reported as a warning)',
    kind: 'threshold',
    checks: ['production:metrics/database-size-alert', 'production-monitor:metrics/database-size-alert'],
  },
  {
    section: 'Monitoring Setup / Key Metrics',
    label: 'memory usage under 1.5 GB (target)',
    kind: 'metric',
    checks: [
      'canary:metrics/memory-usage',
      'production:metrics/memory-usage',
      'production-monitor:metrics/memory-now',
    ],
  },
  {
    section: 'Monitoring Setup / Key Metrics',
    label: 'memory usage over 1.8 GB (alert; held at the target first)',
    kind: 'threshold',
    checks: [
      'canary:metrics/memory-usage',
      'production:metrics/memory-usage',
      'production-monitor:metrics/memory-now',
    ],
  },
  {
    section: 'Monitoring Setup / Key Metrics',
    label: 'CPU usage under 70% (target)',
    kind: 'metric',
    checks: ['canary:metrics/cpu-usage', 'production:metrics/cpu-usage'],
  },
  {
    section: 'Monitoring Setup / Key Metrics',
    label: 'CPU usage over 85% (alert; held at the target first)',
    kind: 'threshold',
    checks: ['canary:metrics/cpu-usage', 'production:metrics/cpu-usage'],
  },

  // Secrets
  {
    section: 'Secret Management Verification / Required Secrets',
    label: 'every required variable set for the app, database URL included',
    kind: 'step',
    checks: ['production:hygiene/runtime-config', 'production:hygiene/secret-scan'],
  },
  {
    section: 'Secret Management Verification / Secret Rotation',
    label: 'auth signing key rotated after deploying',
    kind: 'step',
    signoff: SIGNOFF.keyRotation.title,
  },

  // deploy.sh
  {
    section: 'Deployment Scripts / deploy.sh',
    label: 'a fresh database backup before deploying',
    kind: 'step',
    checks: ['dr:drill/backup-hygiene', 'dr:drill/rpo'],
  },
  {
    section: 'Deployment Scripts / deploy.sh',
    label: 'health verified after deploying',
    kind: 'step',
    checks: ['production:probes/health-simple', 'production:probes/health-deep'],
  },

  // Post-deployment verification: functional
  {
    section: 'Post-Deployment Verification / Functional Checks',
    label: 'login flow works',
    checks: ['production:golden/login', 'production:golden/bad-login'],
  },
  {
    section: 'Post-Deployment Verification / Functional Checks',
    label: 'new estimate created',
    checks: ['production:golden/create-estimate'],
  },
  {
    section: 'Post-Deployment Verification / Functional Checks',
    label: 'client details save',
    signoff: SIGNOFF.clientInfo.title,
  },
  {
    section: 'Post-Deployment Verification / Functional Checks',
    label: 'estimate calculations accurate',
    checks: ['production:eggshell/calculation-precision', 'production:golden/create-estimate'],
  },
  {
    section: 'Post-Deployment Verification / Functional Checks',
    label: 'PDF export generates',
    signoff: SIGNOFF.pdf.title,
  },
  {
    section: 'Post-Deployment Verification / Functional Checks',
    label: 'Salesforce sync, when configured',
    signoff: SIGNOFF.salesforceSync.title,
  },
  {
    section: 'Post-Deployment Verification / Functional Checks',
    label: 'CompanyCam upload, when configured',
    signoff: SIGNOFF.companycamProduction.title,
  },
  {
    section: 'Post-Deployment Verification / Functional Checks',
    label: 'offline queue processes',
    signoff: SIGNOFF.offlineProduction.title,
  },

  // Post-deployment verification: performance
  {
    section: 'Post-Deployment Verification / Performance Checks',
    label: 'TTI under 2.5 s on a phone',
    checks: tti('production'),
  },
  {
    section: 'Post-Deployment Verification / Performance Checks',
    label: 'FCP under 1.8 s',
    checks: ['production:web-vitals/login', 'production:web-vitals/estimates'],
  },
  {
    section: 'Post-Deployment Verification / Performance Checks',
    label: 'no memory leaks',
    checks: ['canary:metrics/memory-stability', 'production:metrics/memory-stability'],
  },
  {
    section: 'Post-Deployment Verification / Performance Checks',
    label: 'database queries under 100 ms',
    checks: ['production:metrics/db-query-latency'],
  },

  // Post-deployment verification: telemetry
  {
    section: 'Post-Deployment Verification / Telemetry Checks',
    label: 'telemetry says production',
    checks: ['production:probes/health-telemetry'],
  },
  {
    section: 'Post-Deployment Verification / Telemetry Checks',
    label: 'build info is the release deployed',
    checks: ['production:probes/version-matches', 'production:telemetry/build-info'],
  },
  {
    section: 'Post-Deployment Verification / Telemetry Checks',
    label: 'integration status accurate',
    checks: ['production:telemetry/integrations-accurate'],
  },
  {
    section: 'Post-Deployment Verification / Telemetry Checks',
    label: 'web vitals reported (measured by rollgate in a browser; the app says it reports none)',
    checks: ['production:web-vitals/login', 'production:web-vitals/estimates'],
  },

  // Emergency procedures
  {
    section: 'Emergency Procedures / High Error Rate',
    label: 'error rate over the alert: scale the canary down and roll back',
    kind: 'rollback',
    checks: ['canary:metrics/error-ratio', 'canary:metrics/error-ratio-vs-baseline'],
  },
  {
    section: 'Emergency Procedures / Database Corruption',
    label: 'corrupt database replaced by the backup',
    kind: 'rollback',
    checks: ['dr:drill/verify-restore', 'dr:drill/restore-content'],
  },
  {
    section: 'Emergency Procedures / Complete Outage',
    label: 'static maintenance page switched on, and off again',
    kind: 'rollback',
    checks: ['emergency-page:maintenance/on', 'emergency-page:maintenance/off'],
  },

  // Timeline
  {
    section: 'Deployment Timeline',
    label: 'day 1: staging deployed',
    kind: 'step',
    checks: ['staging:probes/health-deep'],
  },
  {
    section: 'Deployment Timeline',
    label: 'day 1: staging validated for 4 hours before the canary',
    kind: 'step',
    checks: ['canary:requires/staging'],
  },
  {
    section: 'Deployment Timeline',
    label: 'day 2: canary deployed, rollback immediate',
    kind: 'step',
    checks: ['canary:load/eggshell-traffic', 'canary:metrics/error-ratio-vs-baseline'],
  },
  {
    section: 'Deployment Timeline',
    label: 'day 2: canary watched for 4 hours before production',
    kind: 'step',
    checks: ['production:requires/watch'],
  },
  {
    section: 'Deployment Timeline',
    label: 'day 3: production deployed, rollback within 5 minutes',
    kind: 'step',
    checks: ['production:availability/zero-downtime', 'dr:drill/rto'],
  },
  {
    section: 'Deployment Timeline',
    label: 'day 3: production watched for 24 hours',
    kind: 'step',
    checks: monitor('production-monitor'),
  },

  // Success criteria
  {
    section: 'Success Criteria',
    label: 'zero downtime during the deployment',
    checks: ['production:availability/zero-downtime'],
  },
  {
    section: 'Success Criteria',
    label: 'golden paths functional',
    checks: [...goldenPaths('production'), 'production:eggshell/calculation-precision'],
  },
  { section: 'Success Criteria', label: 'TTI target met', checks: tti('production') },
  {
    section: 'Success Criteria',
    label: 'no data loss',
    checks: ['dr:drill/rpo', 'dr:drill/restore-content'],
  },
  {
    section: 'Success Criteria',
    label: 'telemetry accurate',
    checks: telemetry('production'),
  },
  {
    section: 'Success Criteria',
    label: 'error rate under 0.1%',
    checks: ['production:metrics/error-ratio', 'production:load/eggshell-traffic'],
  },
  {
    section: 'Success Criteria',
    label: '99.9% uptime kept',
    checks: ['production-monitor:availability/zero-downtime', 'production-monitor:probes/health-simple'],
  },

  // Escalation
  {
    section: 'Escalation',
    label: 'level 1: deployment health and telemetry looked at',
    kind: 'step',
    checks: monitor('production-monitor'),
  },
  { section: 'Escalation', label: 'level 2: roll back', kind: 'step', checks: ['dr:drill/rto'] },
  {
    section: 'Escalation',
    label: 'level 3: static page',
    kind: 'step',
    checks: ['emergency-page:maintenance/on', 'emergency-page:maintenance/off'],
  },
  { section: 'Escalation', label: 'level 4: DNS failover', kind: 'step', signoff: SIGNOFF.dns.title },
];

export const sources: NonNullable<RunbookInput['sources']> = [
  { document: '000_3f9fb2ac980ce73d.txt', title: 'Eggshell Production Deployment Plan', items },
];
