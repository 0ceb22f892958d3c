import { manual, type RunbookInput } from 'rollgate';

/**
 * What encodes each line of TERP's production rollout plan (`rollgate coverage` reads this), and
 * the sign-offs for the lines no check can observe, each with the reason. The plan's text is not
 * copied: each item has its section and a short label of our own.
 */

type Item = NonNullable<RunbookInput['sources']>[number]['items'][number];

/** Sign-offs, by short key; each title is what `rollgate sign <stage> "<title>"` names. */
const S = {
  techLead: manual('Technical lead approval', {
    stage: 'go-no-go',
    role: 'tech-lead',
    reason: 'an approval is a decision by a person, not a state of the deployment',
  }),
  dba: manual('Database admin approval of the schema changes', {
    stage: 'go-no-go',
    role: 'dba',
    reason: 'an approval is a decision by a person; the schema itself is checked by terp/schema-valid',
  }),
  windowApproved: manual('Deployment window approved', {
    stage: 'go-no-go',
    role: 'release-manager',
    reason:
      'choosing the night and approving it is a decision by people; that the deployment then runs inside the Tuesday-Thursday 22:00-02:00 window is checked by window/deployment-window',
  }),
  emergencyOnly: manual('Outside the window only for a critical security or bug fix', {
    stage: 'production',
    role: 'tech-lead',
    reason:
      "whether a change is a critical security or bug fix is a person's judgement of the change; the gate only holds outside the window unless --override-window gives a reason, which it records",
  }),
  notified: manual('Stakeholders notified of the deployment', {
    stage: 'go-no-go',
    role: 'release-manager',
    reason: 'a message to people leaves no trace on the deployment',
  }),
  stagingIssues: manual('No new issues reported on staging', {
    stage: 'go-no-go',
    role: 'qa',
    reason:
      'issues are reported by people in tickets and chat, which the gate cannot read; the staging gate itself is checked by requires/staging',
  }),
  rollbackPlan: manual('Rollback plan reviewed and final', {
    stage: 'go-no-go',
    role: 'tech-lead',
    reason:
      "reviewing a plan is a person's judgement; that its database restore works is checked by the rollback drill (requires/drill)",
  }),
  onCall: manual('On-call engineer confirmed', {
    stage: 'go-no-go',
    role: 'release-manager',
    reason: 'who is on call is a roster, not something the deployment shows',
  }),
  teamOnline: manual('Team members online', {
    stage: 'go-no-go',
    role: 'release-manager',
    reason: 'whether people are at their desks is not observable from the deployment',
  }),
  ci: manual('CI pipeline green for the release', {
    stage: 'go-no-go',
    role: 'release-manager',
    reason:
      "the CI server's pipeline status is outside what the gate reaches (the stand-in has no CI); the rollout's own earlier stages are checked by requires/staging and requires/drill",
  }),
  announced: manual('Deployment start announced', {
    stage: 'go-no-go',
    role: 'release-manager',
    reason: 'an announcement to people leaves no trace on the deployment',
  }),
  inventory: manual('Inventory module smoke-tested by hand', {
    stage: 'production',
    role: 'qa',
    reason:
      'the stand-in has no inventory (lists, batches, stock); on TERP itself, golden paths of its inventory pages replace this',
  }),
  clients: manual('Client module smoke-tested by hand', {
    stage: 'production',
    role: 'qa',
    reason:
      'the stand-in has no clients (list, details, notes); on TERP itself, golden paths of its client pages replace this',
  }),
  calendar: manual('Calendar module smoke-tested by hand', {
    stage: 'production',
    role: 'qa',
    reason:
      'the stand-in has no calendar or events; on TERP itself, golden paths of its calendar replace this',
  }),
  orderEdits: manual('Order editing and status updates smoke-tested by hand', {
    stage: 'production',
    role: 'qa',
    reason:
      "the stand-in's orders (estimates) can be created, listed and deleted but not edited, and have no status",
  }),
  reporting: manual('Reporting dashboard and export smoke-tested by hand', {
    stage: 'production',
    role: 'qa',
    reason:
      'the stand-in has no reporting dashboard or export; on TERP itself, golden paths of its reports replace this',
  }),
  userReports: manual('No user-reported issues', {
    stage: 'verify',
    role: 'support',
    reason: 'user reports arrive through support channels the gate cannot read',
  }),
  rollbackAnnounced: manual('Rollback completion announced', {
    stage: 'rollback',
    role: 'release-manager',
    reason: 'an announcement to people leaves no trace on the deployment',
  }),
  incidentReport: manual('Incident report written within 24 hours', {
    stage: 'rollback',
    role: 'tech-lead',
    reason: 'a document people write after the incident',
  }),
  postMortem: manual('Post-mortem meeting scheduled', {
    stage: 'rollback',
    role: 'tech-lead',
    reason: "a meeting in people's calendars",
  }),
  lessons: manual('Lessons learned documented', {
    stage: 'rollback',
    role: 'tech-lead',
    reason: 'a document people write after the post-mortem',
  }),
};

export const signoffs = Object.values(S);

const item = (
  section: string,
  label: string,
  kind: Item['kind'],
  encoded: string[] | { title: string },
): Item =>
  Array.isArray(encoded)
    ? { section, label, kind, checks: encoded }
    : { section, label, kind, signoff: encoded.title };

const box = (section: string, label: string, encoded: string[] | { title: string }) =>
  item(section, label, 'checkbox', encoded);

// Check ids as the gates report them, stage-qualified.
const golden = (stage: string) => [`${stage}:golden/login`, `${stage}:golden/create-estimate`];
const REQ = 'Pre-Deployment Requirements';
const WIN = 'Maintenance Window';
const PRE = 'Pre-Deployment Checklist';
const STEPS = 'Deployment Steps';
const SMOKE = `${STEPS} / Step 5: Production Smoke Tests`;
const ROLLBACK = 'Rollback Procedure';
const MON = 'Monitoring';
const LIST = 'Production Smoke Test Checklist';
const WINDOW = ['production:window/deployment-window'];
const RESTORE = ['rollback-drill:drill/verify-restore', 'rollback-drill:drill/restore-content'];

const items: Item[] = [
  box(`${REQ} / Staging Verification`, 'Changes running on staging', [
    'staging:probes/version-matches',
    'staging:probes/health-deep',
    'staging:terp/schema-valid',
  ]),
  box(`${REQ} / Staging Verification`, 'Staging smoke tests passed', [
    ...golden('staging'),
    'staging:terp/session-persists',
    'staging:terp/logout',
    'staging:terp/recent-orders',
    'staging:terp/api-responding',
  ]),
  box(`${REQ} / Staging Verification`, 'Staging soak of at least 24 hours', ['go-no-go:requires/staging']),
  box(`${REQ} / Staging Verification`, 'No new issues reported on staging', S.stagingIssues),
  box(`${REQ} / Approval Requirements`, 'Technical lead approves', S.techLead),
  box(`${REQ} / Approval Requirements`, 'DBA approves schema changes', S.dba),
  box(`${REQ} / Approval Requirements`, 'Business stakeholders notified', S.notified),
  box(`${REQ} / Approval Requirements`, 'Deployment window approved', S.windowApproved),

  item(`${WIN} / Standard Maintenance Window`, 'Tuesday to Thursday only', 'criterion', WINDOW),
  item(`${WIN} / Standard Maintenance Window`, '22:00 to 02:00 Eastern', 'criterion', WINDOW),
  item(`${WIN} / Standard Maintenance Window`, 'At most 4 hours', 'criterion', [
    ...WINDOW,
    'rollback-drill:drill/rto',
  ]),
  item(`${WIN} / Emergency Deployments`, 'Emergency: explicit tech lead approval', 'criterion', S.techLead),
  item(`${WIN} / Emergency Deployments`, 'Emergency: rollback plan verified', 'criterion', [
    'go-no-go:requires/drill',
    'rollback-drill:drill/verify-restore',
  ]),
  // The window check holds outside the window; --override-window "<reason>" is recorded in the
  // verdict and the ledger. What qualifies as an emergency is the tech lead's call.
  item(
    `${WIN} / Emergency Deployments`,
    'Emergency: critical security or bug fixes only',
    'criterion',
    S.emergencyOnly,
  ),

  box(`${PRE} / 24 Hours Before`, 'Deployment notice to stakeholders', S.notified),
  box(`${PRE} / 24 Hours Before`, 'Staging matches the planned changes', [
    'staging:probes/version-matches',
    'go-no-go:requires/staging',
  ]),
  box(`${PRE} / 24 Hours Before`, 'Rollback plan reviewed and final', S.rollbackPlan),
  box(`${PRE} / 24 Hours Before`, 'On-call engineer available', S.onCall),
  box(`${PRE} / 24 Hours Before`, 'Backup systems working', [
    'rollback-drill:drill/backup',
    'rollback-drill:drill/backup-recorded',
    'rollback-drill:drill/backup-hygiene',
  ]),
  box(`${PRE} / 2 Hours Before`, 'Fresh database backup taken', [
    'rollback-drill:drill/backup',
    'rollback-drill:drill/rpo',
    'go-no-go:requires/drill',
  ]),
  box(`${PRE} / 2 Hours Before`, 'Backup integrity verified', [
    ...RESTORE,
    'rollback-drill:drill/backup-hygiene',
  ]),
  box(`${PRE} / 2 Hours Before`, 'Backup kept in two locations', ['rollback-drill:terp/backup-copies']),
  box(`${PRE} / 2 Hours Before`, 'Team members online', S.teamOnline),
  box(`${PRE} / 30 Minutes Before`, 'CI pipeline status checked', S.ci),
  box(`${PRE} / 30 Minutes Before`, 'Monitoring reachable', [
    'go-no-go:probes/metrics',
    'go-no-go:probes/health-deep',
  ]),
  box(`${PRE} / 30 Minutes Before`, 'Rollback scripts ready', [
    'rollback-drill:drill/verify-restore',
    'rollback-drill:drill/rto',
  ]),
  box(`${PRE} / 30 Minutes Before`, 'Deployment start announced', S.announced),

  item(STEPS, 'Step 1: announce the deployment', 'step', S.announced),
  item(STEPS, 'Step 2: maintenance mode on', 'step', ['production:maintenance/on']),
  item(STEPS, 'Step 3: migrations applied, schema validated', 'step', [
    'production:terp/schema-valid',
    'staging:terp/schema-valid',
  ]),
  item(STEPS, 'Step 4: application deployed', 'step', [
    'production:probes/version-matches',
    'production:probes/health-deep',
  ]),
  item(STEPS, 'Step 5: production smoke tests', 'step', [
    ...golden('production'),
    'production:terp/api-responding',
  ]),
  item(STEPS, 'Step 6: maintenance mode off', 'step', ['production:maintenance/off']),
  item(STEPS, 'Step 7: post-deployment verification', 'step', [
    'verify:metrics/error-ratio-vs-baseline',
    'verify:metrics/p95-vs-baseline',
    'verify:load/terp-verify',
  ]),

  box(`${SMOKE} / Authentication`, 'Authentication', [
    'production:golden/login',
    'production:terp/session-persists',
    'production:terp/logout',
  ]),
  box(`${SMOKE} / Authentication`, 'Login works', ['production:golden/login', 'production:golden/bad-login']),
  box(`${SMOKE} / Authentication`, 'Session persists', [
    'production:terp/session-persists',
    'production:security/session-cookie',
  ]),
  box(`${SMOKE} / Authentication`, 'Logout works', ['production:terp/logout']),
  // The parent line: what the stand-in can show is checked; the modules it lacks are signed below.
  box(`${SMOKE} / Core Features`, 'Core features', [
    'production:terp/recent-orders',
    'production:golden/create-estimate',
  ]),
  box(`${SMOKE} / Core Features`, 'Dashboard shows real data', ['production:terp/recent-orders']),
  box(`${SMOKE} / Core Features`, 'Orders list correct', ['production:terp/recent-orders']),
  box(`${SMOKE} / Core Features`, 'New order can be created', ['production:golden/create-estimate']),
  box(`${SMOKE} / Core Features`, 'Inventory operations', S.inventory),
  box(`${SMOKE} / Core Features`, 'Client management', S.clients),
  box(`${SMOKE} / API Health`, 'API health', [
    'production:probes/health-deep',
    'production:terp/api-responding',
    'production:terp/no-server-errors',
  ]),
  box(`${SMOKE} / API Health`, 'Health endpoint answers', [
    'production:probes/health-deep',
    'production:probes/health-simple',
    'production:availability/zero-downtime',
  ]),
  box(`${SMOKE} / API Health`, 'API (tRPC) endpoints answer', ['production:terp/api-responding']),
  box(`${SMOKE} / API Health`, 'No 5xx in the logs', ['production:terp/no-server-errors']),
  box(`${SMOKE} / Data Integrity`, 'Data integrity', [
    'production:terp/db-integrity',
    'production:terp/recent-orders',
  ]),
  box(`${SMOKE} / Data Integrity`, 'Recent data visible', ['production:terp/recent-orders']),
  box(`${SMOKE} / Data Integrity`, 'No corrupted data', ['production:terp/db-integrity']),
  box(`${SMOKE} / Data Integrity`, 'Calculations correct', [
    'production:golden/create-estimate',
    'production:terp/recent-orders',
  ]),

  box(`${STEPS} / Step 7: Post-Deployment Verification`, 'Error rate at or below baseline', [
    'verify:metrics/error-ratio-at-baseline',
    'verify:metrics/error-ratio-vs-baseline',
  ]),
  box(`${STEPS} / Step 7: Post-Deployment Verification`, 'Performance metrics checked', [
    'verify:metrics/p95-vs-baseline',
    'verify:load/terp-verify',
  ]),
  box(`${STEPS} / Step 7: Post-Deployment Verification`, 'All services healthy', [
    'verify:probes/health-deep',
    'verify:probes/health-simple',
  ]),
  box(`${STEPS} / Step 7: Post-Deployment Verification`, 'No user-reported issues', S.userReports),

  item(`${ROLLBACK} / Decision Criteria for Rollback`, 'Critical functionality broken', 'rollback', [
    ...golden('production'),
    'production:terp/api-responding',
  ]),
  item(`${ROLLBACK} / Decision Criteria for Rollback`, 'Data integrity problems', 'rollback', [
    'production:terp/db-integrity',
    'rollback-drill:drill/restore-content',
  ]),
  item(
    `${ROLLBACK} / Decision Criteria for Rollback`,
    'Error rate more than 5 points above baseline',
    'threshold',
    ['verify:metrics/error-ratio-vs-baseline', 'verify:load/terp-verify'],
  ),
  item(`${ROLLBACK} / Decision Criteria for Rollback`, 'Performance more than 50% worse', 'threshold', [
    'verify:metrics/p95-vs-baseline',
    'verify:load/terp-verify',
  ]),
  item(`${ROLLBACK} / Decision Criteria for Rollback`, 'Security vulnerability found', 'rollback', [
    'production:hygiene/dependency-audit',
    'production:security/headers',
    'production:security/session-cookie',
    'production:security/tls',
  ]),
  // Run the rollback stage with --release <the previous release>: the revert shows as its version.
  item(`${ROLLBACK} / Rollback Steps`, 'Revert the application', 'step', ['rollback:probes/version-matches']),
  item(`${ROLLBACK} / Rollback Steps`, 'Maintenance mode back on if needed', 'step', [
    'production:maintenance/on',
  ]),
  item(`${ROLLBACK} / Rollback Steps`, 'Restore the database from the backup', 'step', [
    ...RESTORE,
    'rollback-drill:drill/rto',
  ]),
  box(`${ROLLBACK} / Rollback Steps / Verification`, 'Application responding', [
    'rollback:probes/health-deep',
    'rollback:probes/health-simple',
  ]),
  box(`${ROLLBACK} / Rollback Steps / Verification`, 'Data intact', [
    'rollback:terp/db-integrity',
    'rollback-drill:drill/restore-content',
  ]),
  box(`${ROLLBACK} / Rollback Steps / Verification`, 'Core features work', golden('rollback')),
  box(`${ROLLBACK} / Rollback Steps / Verification`, 'Error rates back to normal', [
    'rollback:terp/no-server-errors',
    'verify:metrics/error-ratio-vs-baseline',
  ]),
  item(
    `${ROLLBACK} / Rollback Steps / Communication`,
    'Announce the completed rollback',
    'step',
    S.rollbackAnnounced,
  ),
  item(
    `${ROLLBACK} / Rollback Steps / Post-Mortem`,
    'Incident report within a day',
    'step',
    S.incidentReport,
  ),
  item(`${ROLLBACK} / Rollback Steps / Post-Mortem`, 'Post-mortem meeting', 'step', S.postMortem),
  item(`${ROLLBACK} / Rollback Steps / Post-Mortem`, 'Lessons learned written down', 'step', S.lessons),

  item(`${MON} / During Deployment`, 'Error rate dashboards', 'criterion', [
    'verify:metrics/error-ratio-vs-baseline',
    'production:terp/no-server-errors',
  ]),
  item(`${MON} / During Deployment`, 'Database connection pool', 'criterion', [
    'verify:metrics/db-connections',
  ]),
  item(`${MON} / During Deployment`, 'Memory and CPU usage', 'criterion', [
    'verify:metrics/memory-stability',
    'verify:metrics/cpu-vs-baseline',
  ]),
  item(`${MON} / During Deployment`, 'Application logs live', 'criterion', [
    'production:terp/no-server-errors',
    'production:availability/zero-downtime',
  ]),
  item(`${MON} / Post-Deployment (First 24 Hours)`, 'Anomaly alerts', 'criterion', [
    'first-day:metrics/server-errors-4h',
    'first-day:probes/health-deep',
  ]),
  item(`${MON} / Post-Deployment (First 24 Hours)`, 'Periodic spot checks', 'criterion', [
    'first-day:probes/health-deep',
    'first-day:probes/version-matches',
    'first-day:terp/api-responding',
  ]),
  item(`${MON} / Post-Deployment (First 24 Hours)`, 'Error logs every 4 hours', 'criterion', [
    'first-day:metrics/server-errors-4h',
    'first-day:terp/no-server-errors',
  ]),
  item(`${MON} / Post-Deployment (First 24 Hours)`, 'User feedback channels', 'criterion', S.userReports),

  box(`${LIST} / Authentication & Authorization`, 'Login with valid credentials', [
    'production:golden/login',
  ]),
  box(`${LIST} / Authentication & Authorization`, 'Logout', ['production:terp/logout']),
  box(`${LIST} / Authentication & Authorization`, 'Role-based access control', [
    'production:terp/access-control',
  ]),
  box(`${LIST} / Orders Module`, 'Orders list', ['production:terp/recent-orders']),
  box(`${LIST} / Orders Module`, 'Create an order', [
    'production:golden/create-estimate',
    'production:terp/recent-orders',
  ]),
  box(`${LIST} / Orders Module`, 'Edit an order', S.orderEdits),
  box(`${LIST} / Orders Module`, 'Order status changes', S.orderEdits),
  box(`${LIST} / Inventory Module`, 'Inventory list', S.inventory),
  box(`${LIST} / Inventory Module`, 'Batch management', S.inventory),
  box(`${LIST} / Inventory Module`, 'Stock updates', S.inventory),
  box(`${LIST} / Client Module`, 'Client list', S.clients),
  box(`${LIST} / Client Module`, 'Client details page', S.clients),
  box(`${LIST} / Client Module`, 'Client notes', S.clients),
  box(`${LIST} / Calendar Module`, 'Calendar view', S.calendar),
  box(`${LIST} / Calendar Module`, 'Events shown', S.calendar),
  box(`${LIST} / Calendar Module`, 'Event creation', S.calendar),
  box(`${LIST} / Reporting`, 'Dashboard metrics', S.reporting),
  box(`${LIST} / Reporting`, 'Export', S.reporting),
];

export const sources: RunbookInput['sources'] = [
  { document: '003_e5683169b2973eae.txt', title: 'TERP Production Rollout Plan', items },
];
