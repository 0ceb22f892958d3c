import type { RunbookInput } from 'rollgate';

/**
 * The Paintbox production runbook, line by line: every checkbox, health check, key metric, alert,
 * security measure, backup and recovery line and procedure step, each with what encodes it
 * (`stage:check-id`), or the sign-off that does and why a person signs it. Labels are ours; the
 * runbook's text is not copied. `rollgate coverage --runbook runbooks/paintbox/paintbox.runbook.ts`
 * reports them.
 */

type Signoff = { title: string; stage: string; role: string; reason: string };

/** What only a person can attest on the stand-in, and why. */
export const SIGNOFF = {
  flyCli: {
    title: 'Fly CLI installed and signed in',
    stage: 'preflight',
    role: 'operations',
    reason:
      "a tool on the deployer's own machine and their Fly account; the gate sees the app, not the workstation",
  },
  awsAccess: {
    title: 'AWS Secrets Manager access configured',
    stage: 'preflight',
    role: 'security',
    reason:
      'the IAM access lives in the AWS console, which the stand-in does not have; runtime-config proves the app gets its variables',
  },
  appTests: {
    title: "The app's own test suite passes",
    stage: 'preflight',
    role: 'engineering',
    reason:
      "Paintbox's unit and integration tests run in its repository's CI, not against a deployment; the golden paths here are the deployment's tests",
  },
  build: {
    title: 'Production build and its standalone output checked',
    stage: 'preflight',
    role: 'engineering',
    reason:
      'the build (standalone output, minification, tree shaking, vendor chunks, multi-stage image) is an artefact of the repository; the gate sees its effects (no source maps served, heap limit set)',
  },
  machines: {
    title: 'Machine size and autoscaling set on Fly',
    stage: 'production',
    role: 'operations',
    reason:
      'CPU count, memory, the 2 to 6 machine range and the 150/200 concurrency limits are Fly settings; the stand-in is one process, and the gate observes their effect (memory against 2048 MB, response times)',
  },
  container: {
    title: 'Container image hardened',
    stage: 'production',
    role: 'security',
    reason:
      "the image's user, base and packages cannot be seen over HTTP; a person reads the Dockerfile and the image scan",
  },
  configVcs: {
    title: 'Configuration files under version control',
    stage: 'production',
    role: 'engineering',
    reason:
      'fly.toml, the Dockerfile and next.config.js live in the repository; a deployment does not show where they came from',
  },
  slack: {
    title: 'Slack alert webhook configured',
    stage: 'production',
    role: 'operations',
    reason:
      "the webhook is a setting of the monitoring script and Slack's console; the gate's own HOLD is its alert",
  },
  shutdown: {
    title: 'Emergency stop and restart of all machines rehearsed',
    stage: 'production',
    role: 'operations',
    reason:
      'stopping and starting every machine is a Fly platform operation on the real app, not something the stand-in can do',
  },
  docs: {
    title: 'Runbook documentation updated',
    stage: 'production',
    role: 'operations',
    reason: 'documentation is written by people; nothing a deployment serves shows it is current',
  },
} satisfies Record<string, Signoff>;

type Item = NonNullable<RunbookInput['sources']>[number]['items'][number];

const health = (stage: string) => [
  `${stage}:probes/health-simple`,
  `${stage}:probes/health-deep`,
  `${stage}:probes/health-metrics`,
];
const securityTests = [
  'preflight:security/headers',
  'preflight:security/cors',
  'preflight:security/rate-limit',
  'preflight:security/csrf',
  'preflight:security/session-cookie',
];

const items: Item[] = [
  // Overview and architecture
  {
    section: 'Overview',
    label: 'zero-downtime deployment with rollback',
    kind: 'criterion',
    checks: ['production:availability/zero-downtime', 'dr:drill/rto'],
  },
  {
    section: 'Architecture',
    label: 'rolling deployment gated by health checks',
    kind: 'step',
    checks: [...health('production'), 'production:availability/zero-downtime'],
  },
  {
    section: 'Architecture',
    label: 'multi-tier health checks and metrics',
    kind: 'step',
    checks: [...health('verify'), 'verify:probes/tcp-connect'],
  },

  // Pre-deployment checklist
  {
    section: 'Pre-Deployment Checklist / Prerequisites',
    label: 'deploy tool installed and signed in',
    signoff: SIGNOFF.flyCli.title,
  },
  {
    section: 'Pre-Deployment Checklist / Prerequisites',
    label: 'access to the secrets manager configured',
    signoff: SIGNOFF.awsAccess.title,
  },
  {
    section: 'Pre-Deployment Checklist / Prerequisites',
    label: 'environment variables set to the right values',
    checks: ['preflight:hygiene/runtime-config', 'preflight:config/environment-values'],
  },
  {
    section: 'Pre-Deployment Checklist / Prerequisites',
    label: 'all tests pass locally',
    signoff: SIGNOFF.appTests.title,
  },
  {
    section: 'Pre-Deployment Checklist / Build Verification',
    label: 'production build with standalone output',
    kind: 'step',
    signoff: SIGNOFF.build.title,
  },
  {
    section: 'Pre-Deployment Checklist / Security Check',
    label: 'npm audit of the dependencies within budget (no high or critical)',
    kind: 'step',
    checks: ['preflight:hygiene/dependency-audit'],
  },
  {
    section: 'Pre-Deployment Checklist / Security Check',
    label: 'security tests pass',
    kind: 'step',
    checks: [...securityTests, 'preflight:hygiene/secret-scan'],
  },

  // Deployment process
  {
    section: 'Deployment Process / Automated Deployment',
    label: 'deployment script run: the production stage gates it',
    kind: 'step',
    checks: ['production:requires/preflight', 'production:requires/staging', ...health('production')],
  },
  {
    section: 'Deployment Process / Manual Deployment',
    label: 'status looked at before deploying',
    kind: 'step',
    checks: ['production:probes/health-simple', 'production:probes/version-matches'],
  },
  {
    section: 'Deployment Process / Manual Deployment',
    label: 'deployed with the production configuration',
    kind: 'step',
    checks: [
      'production:hygiene/runtime-config',
      'production:config/environment-values',
      'production:hygiene/secret-scan',
    ],
  },
  {
    section: 'Deployment Process / Manual Deployment',
    label: 'deployment monitored',
    kind: 'step',
    checks: ['monitor:probes/health-simple', 'monitor:probes/health-deep', 'monitor:probes/jwks'],
  },

  // Configuration
  {
    section: 'Configuration Details / Machine Configuration',
    label: 'machine size, autoscaling range and concurrency limits',
    kind: 'step',
    signoff: SIGNOFF.machines.title,
  },
  {
    section: 'Configuration Details / Health Checks',
    label: 'simple health every 15 s, within its 5 s time-out',
    kind: 'step',
    checks: ['monitor:probes/health-simple', 'verify:probes/health-simple'],
  },
  {
    section: 'Configuration Details / Health Checks',
    label: 'deep health every 45 s, within its 10 s time-out',
    kind: 'step',
    checks: ['monitor:probes/health-deep', 'verify:probes/health-deep'],
  },
  {
    section: 'Configuration Details / Health Checks',
    label: 'TCP health every 30 s, within its 3 s time-out',
    kind: 'step',
    checks: ['monitor:probes/tcp-connect', 'verify:probes/tcp-connect'],
  },
  {
    section: 'Configuration Details / Environment Variables',
    label: 'production environment values, heap limited to 1536 MB',
    kind: 'step',
    checks: ['production:config/environment-values', 'production:hygiene/runtime-config'],
  },

  // Monitoring
  {
    section: 'Monitoring / Health Endpoints',
    label: 'simple health endpoint',
    kind: 'step',
    checks: ['verify:probes/health-simple'],
  },
  {
    section: 'Monitoring / Health Endpoints',
    label: 'detailed health endpoint',
    kind: 'step',
    checks: ['verify:probes/health-deep'],
  },
  {
    section: 'Monitoring / Health Endpoints',
    label: 'metrics endpoint',
    kind: 'step',
    checks: ['verify:probes/health-metrics'],
  },
  {
    section: 'Monitoring / Health Endpoints',
    label: 'JWKS endpoint',
    kind: 'step',
    checks: ['verify:probes/jwks'],
  },
  {
    section: 'Monitoring / Key Metrics',
    label: 'response time under 2 s',
    kind: 'metric',
    checks: [
      'verify:probes/health-simple',
      'verify:probes/health-deep',
      'production:metrics/p95-latency',
      'production:load/paintbox-traffic',
    ],
  },
  {
    section: 'Monitoring / Key Metrics',
    label: 'memory usage under 85%',
    kind: 'metric',
    checks: ['verify:probes/memory-share', 'production:metrics/memory-usage'],
  },
  {
    section: 'Monitoring / Key Metrics',
    label: 'every machine running',
    kind: 'metric',
    checks: [
      'verify:probes/health-simple',
      'verify:probes/tcp-connect',
      'production:availability/zero-downtime',
    ],
  },
  {
    section: 'Monitoring / Key Metrics',
    label: 'JWKS endpoint reachable',
    kind: 'metric',
    checks: ['verify:probes/jwks', 'monitor:probes/jwks'],
  },
  {
    section: 'Monitoring / Key Metrics',
    label: 'zero HTTP 5xx',
    kind: 'metric',
    checks: ['verify:probes/no-server-errors', 'production:metrics/server-errors'],
  },
  {
    section: 'Monitoring / Monitoring Script',
    label: 'continuous monitoring running',
    kind: 'step',
    checks: ['monitor:probes/health-simple', 'monitor:probes/health-deep', 'monitor:probes/no-server-errors'],
  },

  // Troubleshooting
  {
    section: 'Troubleshooting / High Memory Usage',
    label: 'memory read from the metrics endpoint',
    kind: 'step',
    checks: ['verify:probes/memory-share', 'monitor:probes/memory-share'],
  },
  {
    section: 'Troubleshooting / Slow Response Times',
    label: 'slow answers found in the detailed health',
    kind: 'step',
    checks: ['verify:probes/health-deep', 'production:metrics/p95-latency'],
  },
  {
    section: 'Troubleshooting / Failed Health Checks',
    label: 'unhealthy machine found',
    kind: 'step',
    checks: ['monitor:probes/health-simple', 'monitor:probes/health-deep'],
  },
  {
    section: 'Troubleshooting / JWKS Endpoint Issues',
    label: 'JWKS answers with a valid key set',
    kind: 'step',
    checks: ['verify:probes/jwks'],
  },

  // Emergency procedures
  {
    section: 'Emergency Procedures / Immediate Rollback',
    label: 'roll back when the verification or the monitor holds',
    kind: 'rollback',
    checks: [
      'verify:probes/health-deep',
      'verify:probes/no-server-errors',
      'monitor:probes/health-simple',
      'dr:drill/rto',
    ],
  },
  {
    section: 'Emergency Procedures / Scale Up During High Load',
    label: 'more machines or memory under load',
    kind: 'step',
    signoff: SIGNOFF.machines.title,
  },
  {
    section: 'Emergency Procedures / Emergency Shutdown',
    label: 'all machines stopped and started again',
    kind: 'step',
    signoff: SIGNOFF.shutdown.title,
  },

  // Performance optimisations
  {
    section: 'Performance Optimizations / Build Optimizations',
    label: 'source maps left out of production',
    kind: 'step',
    checks: ['verify:probes/no-source-maps', 'production:config/environment-values'],
  },
  {
    section: 'Performance Optimizations / Build Optimizations',
    label: 'minified, tree-shaken, split by vendor',
    kind: 'step',
    signoff: SIGNOFF.build.title,
  },
  {
    section: 'Performance Optimizations / Runtime Optimizations',
    label: 'heap limited to 1536 MB',
    kind: 'step',
    checks: ['production:config/environment-values'],
  },
  {
    section: 'Performance Optimizations / Runtime Optimizations',
    label: 'connection pool holds under load',
    kind: 'step',
    checks: ['production:metrics/db-connections'],
  },
  {
    section: 'Performance Optimizations / Docker Optimizations',
    label: 'multi-stage, non-root, minimal image',
    kind: 'step',
    signoff: SIGNOFF.container.title,
  },

  // Security measures
  {
    section: 'Security Measures / Headers',
    label: 'frame options set',
    kind: 'step',
    checks: ['verify:security/headers'],
  },
  {
    section: 'Security Measures / Headers',
    label: 'content type sniffing off',
    kind: 'step',
    checks: ['verify:security/headers'],
  },
  {
    section: 'Security Measures / Headers',
    label: 'XSS protection header safe',
    kind: 'step',
    checks: ['verify:security/xss-protection', 'verify:security/headers'],
  },
  {
    section: 'Security Measures / Headers',
    label: 'referrer policy strict across origins',
    kind: 'step',
    checks: ['verify:security/headers'],
  },
  {
    section: 'Security Measures / Container Security',
    label: 'runs as a non-root user',
    kind: 'step',
    signoff: SIGNOFF.container.title,
  },
  {
    section: 'Security Measures / Container Security',
    label: 'minimal Alpine base',
    kind: 'step',
    signoff: SIGNOFF.container.title,
  },
  {
    section: 'Security Measures / Container Security',
    label: 'no unnecessary packages',
    kind: 'step',
    signoff: SIGNOFF.container.title,
  },
  {
    section: 'Security Measures / Container Security',
    label: 'security updates applied (no high or critical advisory)',
    kind: 'step',
    checks: ['preflight:hygiene/dependency-audit'],
  },
  {
    section: 'Security Measures / Network Security',
    label: 'HTTPS enforced with a valid certificate',
    kind: 'step',
    checks: ['verify:security/tls', 'verify:security/headers'],
  },
  {
    section: 'Security Measures / Network Security',
    label: 'JWKS serves public keys only',
    kind: 'step',
    checks: ['verify:probes/jwks'],
  },
  {
    section: 'Security Measures / Network Security',
    label: 'API rate limiting',
    kind: 'step',
    checks: ['preflight:security/rate-limit', 'production:security/rate-limit'],
  },
  {
    section: 'Security Measures / Network Security',
    label: 'CORS configured',
    kind: 'step',
    checks: ['preflight:security/cors', 'production:security/cors'],
  },

  // Backup and recovery
  {
    section: 'Backup and Recovery / Configuration Backup',
    label: 'configuration files under version control',
    kind: 'step',
    signoff: SIGNOFF.configVcs.title,
  },
  {
    section: 'Backup and Recovery / Data Backup',
    label: 'data on the mounted volume persists and is backed up',
    kind: 'step',
    checks: ['production:hygiene/runtime-config', 'dr:drill/backup', 'dr:drill/verify-restore'],
  },
  {
    section: 'Backup and Recovery / Data Backup',
    label: 'secrets held outside the config files',
    kind: 'step',
    checks: ['preflight:hygiene/secret-scan', 'preflight:hygiene/runtime-config'],
  },
  {
    section: 'Backup and Recovery / Data Backup',
    label: 'app keeps no state outside its volume: it boots on a restored copy',
    kind: 'step',
    checks: ['dr:drill/verify-restore', 'dr:golden/login'],
  },
  {
    section: 'Backup and Recovery / Recovery Procedures',
    label: 'back to the previous release',
    kind: 'rollback',
    checks: ['dr:drill/rto', 'dr:probes/health-deep'],
  },
  {
    section: 'Backup and Recovery / Recovery Procedures',
    label: 'configuration brought back from version control',
    kind: 'rollback',
    signoff: SIGNOFF.configVcs.title,
  },
  {
    section: 'Backup and Recovery / Recovery Procedures',
    label: 'rebuilt from source',
    kind: 'rollback',
    signoff: SIGNOFF.build.title,
  },

  // Alerting
  {
    section: 'Alerting Setup',
    label: 'app down: 3 failed checks in a row',
    kind: 'threshold',
    checks: ['monitor:probes/health-simple', 'monitor:probes/tcp-connect'],
  },
  {
    section: 'Alerting Setup',
    label: 'response time over 5 s (held at 2 s first)',
    kind: 'threshold',
    checks: ['monitor:probes/health-simple', 'monitor:probes/health-deep', 'production:metrics/p95-latency'],
  },
  {
    section: 'Alerting Setup',
    label: 'memory over 95% (held at 85% first)',
    kind: 'threshold',
    checks: ['monitor:probes/memory-share', 'production:metrics/memory-usage'],
  },
  {
    section: 'Alerting Setup',
    label: 'no machine running',
    kind: 'threshold',
    checks: ['monitor:probes/health-simple', 'monitor:probes/tcp-connect'],
  },
  {
    section: 'Alerting Setup',
    label: 'JWKS endpoint failing',
    kind: 'threshold',
    checks: ['monitor:probes/jwks', 'verify:probes/jwks'],
  },
  {
    section: 'Alerting Setup / Slack Integration',
    label: 'alerts sent to Slack',
    kind: 'step',
    signoff: SIGNOFF.slack.title,
  },

  // Maintenance windows
  {
    section: 'Maintenance Windows / Scheduled Updates',
    label: 'weekly security updates: no high or critical advisory outstanding',
    kind: 'step',
    checks: ['preflight:hygiene/dependency-audit'],
  },
  {
    section: 'Maintenance Windows / Scheduled Updates',
    label: 'monthly dependency updates: audit within budget',
    kind: 'step',
    checks: ['preflight:hygiene/dependency-audit'],
  },
  {
    section: 'Maintenance Windows / Update Procedure',
    label: 'changes tested in staging first',
    kind: 'step',
    checks: ['production:requires/staging'],
  },
  {
    section: 'Maintenance Windows / Update Procedure',
    label: 'deployed inside a scheduled window',
    kind: 'step',
    checks: ['production:window/deployment-window'],
  },
  {
    section: 'Maintenance Windows / Update Procedure',
    label: 'deployed while monitored',
    kind: 'step',
    checks: ['production:availability/zero-downtime', 'monitor:probes/health-simple'],
  },
  {
    section: 'Maintenance Windows / Update Procedure',
    label: 'all systems verified',
    kind: 'step',
    checks: [
      ...health('verify'),
      'verify:probes/jwks',
      'verify:security/headers',
      'verify:probes/no-server-errors',
    ],
  },
  {
    section: 'Maintenance Windows / Update Procedure',
    label: 'documentation updated',
    kind: 'step',
    signoff: SIGNOFF.docs.title,
  },
];

export const sources: NonNullable<RunbookInput['sources']> = [
  { document: '002_57327de9ab467e27.txt', title: 'Production Deployment Runbook - Paintbox', items },
];
