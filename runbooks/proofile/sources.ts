import type { RunbookInput } from 'rollgate';
import { S } from './signoffs.ts';

/**
 * The Proofile sprint 7.5 production deployment plan, item by item, each pointing at what encodes
 * it: checks (`stage:check-id`, as the gate reports them) or a sign-off (`signoffs.ts`, with its
 * reason). Labels are short, in this runbook's own words. `npx rollgate coverage --runbook
 * runbooks/proofile/proofile.runbook.ts` shows the table.
 */
type Item = NonNullable<RunbookInput['sources']>[number]['items'][number];

/** `at('canary', 'golden/login')` → `['canary:golden/login']`. */
const at = (stage: string, ...ids: string[]) => ids.map((id) => `${stage}:${id}`);

const golden = ['golden/login', 'golden/bad-login', 'golden/create-estimate'];
const vitals = ['web-vitals/login', 'web-vitals/estimates'];
const security = [
  'security/headers',
  'security/session-cookie',
  'security/cors',
  'security/rate-limit',
  'security/csrf',
  'security/tls',
];
const percentiles = ['metrics/p50-latency', 'metrics/p95-latency', 'metrics/p99-latency'];
const critical = [
  'metrics/error-rate-critical',
  'metrics/p95-critical',
  'metrics/cpu-critical',
  'metrics/memory-critical',
];
/** Phase 2 judges no CPU (the runbook's graduatedMetrics): its CRITICAL rules but CPU's. */
const graduatedCritical = critical.filter((id) => id !== 'metrics/cpu-critical');
/** The previous release back on the current database, working: the rollback stage. */
const rolledBack = at(
  'rollback',
  'probes/version-matches',
  'probes/health-deep',
  'golden/login',
  'golden/create-estimate',
);
/** What the soak watches every minute for 24 hours at 100%. */
const soaked = at(
  'soak',
  'probes/health-simple',
  'probes/health-deep',
  'metrics/error-ratio',
  'metrics/p95-latency',
);

const checks = (section: string, kind: Item['kind'], rows: [label: string, checks: string[]][]): Item[] =>
  rows.map(([label, c]) => ({ section, label, kind, checks: c }));
const signed = (
  section: string,
  kind: Item['kind'],
  rows: [label: string, signoff: { title: string }][],
): Item[] => rows.map(([label, s]) => ({ section, label, kind, signoff: s.title }));
const item = (section: string, kind: Item['kind'], label: string, ref: string[] | { title: string }): Item =>
  Array.isArray(ref) ? { section, label, kind, checks: ref } : { section, label, kind, signoff: ref.title };

const STAGING = 'Pre-Production Checklist / Staging Validation';
const ENV = 'Pre-Production Checklist / Production Environment Readiness';
const TEAM = 'Pre-Production Checklist / Team Readiness';
const LEGAL = 'Pre-Production Checklist / Legal & Compliance';
const P1 = 'Production Rollout Strategy / Phase 1: Canary (5%)';
const P2 = 'Production Rollout Strategy / Phase 2: Graduated (25%)';
const P3 = 'Production Rollout Strategy / Phase 3: Full Production (100%)';
const METRICS = 'Monitoring & Alerting / Metrics to Monitor';
const ALERTS = 'Monitoring & Alerting / Alert Thresholds';
const ROLLBACK = 'Rollback Procedure (Production)';
const COMMS = 'Communication Strategy';
const POST = 'Post-Release Activities';
const CHECKLIST = 'Post-Release Checklist';
const CONTINGENCY = 'Contingency Plans';

const items: Item[] = [
  ...checks('Executive Summary', 'step', [
    ['Staging validation fully green before production', at('canary', 'requires/staging')],
    [
      'Zero-downtime, staged release',
      [
        ...at('canary', 'availability/zero-downtime'),
        ...at('graduated', 'availability/zero-downtime'),
        ...at('production', 'availability/zero-downtime'),
      ],
    ],
  ]),

  item(STAGING, 'checkbox', 'Manual QA at 95% or more', S.manualQa),
  ...checks(STAGING, 'checkbox', [
    ['End-to-end tests green on staging', at('staging', ...golden, ...vitals)],
    [
      'Soak of 24-48 h stable',
      [
        ...at('staging', 'requires/watch'),
        ...at('staging-soak', 'probes/health-deep', 'metrics/error-ratio'),
      ],
    ],
    ['Performance metrics acceptable', at('staging', 'load/steady', ...percentiles, ...vitals)],
    ['Error rate under 0.1%', at('staging', 'metrics/error-ratio', 'load/steady')],
    ['Security verified', at('staging', ...security, 'hygiene/secret-scan', 'hygiene/dependency-audit')],
    [
      'Monitoring and alert rules working',
      at('staging', 'probes/metrics', 'metrics/error-rate-warn', 'metrics/error-rate-critical'),
    ],
    ['Rollback procedure tested', rolledBack],
  ]),

  ...checks(ENV, 'checkbox', [
    [
      'Production database prepared and tested',
      at('production', 'probes/health-deep', 'preflight/database-persistent', 'hygiene/runtime-config'),
    ],
  ]),
  item(ENV, 'checkbox', 'Production Redis configured', S.redis),
  item(ENV, 'checkbox', 'SSL/TLS certificates installed', [
    ...at('staging', 'security/tls'),
    ...at('canary', 'security/tls'),
    ...at('production', 'security/tls'),
  ]),
  ...signed(ENV, 'checkbox', [
    ['DNS records updated', S.dns],
    ['CDN configured if used', S.cdn],
  ]),
  item(ENV, 'checkbox', 'Backup systems tested', [
    ...at('dr', 'drill/backup', 'drill/verify-restore', 'drill/restore-content', 'drill/rpo', 'drill/rto'),
    ...at('canary', 'requires/drill'),
  ]),
  item(ENV, 'checkbox', 'Disaster recovery plan written', S.drPlan),
  item(ENV, 'checkbox', 'Production secrets secured', [
    ...at('canary', 'hygiene/secret-scan', 'hygiene/runtime-config'),
    ...at('production', 'hygiene/secret-scan', 'hygiene/runtime-config'),
  ]),

  ...signed(TEAM, 'checkbox', [
    ['On-call rota defined', S.onCall],
    ['Escalation paths clear', S.escalation],
    ['Communication channels ready', S.channels],
    ['Incident responders briefed', S.incidentTeam],
    ['Documentation reviewed', S.docsReviewed],
    ['Runbooks prepared', S.teamRunbooks],
    ['Team trained on the status checks', S.trained],
  ]),

  ...signed(LEGAL, 'checkbox', [
    ['Privacy policy updated', S.privacy],
    ['Terms of service updated', S.terms],
    ['GDPR compliance verified', S.gdpr],
  ]),
  ...checks(LEGAL, 'checkbox', [
    [
      'Accessibility compliance confirmed',
      [...at('staging', 'a11y/wcag-aa'), ...at('canary', 'a11y/wcag-aa')],
    ],
    [
      'Security audit passed',
      [
        ...at('staging', 'hygiene/dependency-audit', ...security),
        ...at('canary', 'hygiene/dependency-audit'),
      ],
    ],
  ]),
  item(LEGAL, 'checkbox', 'Data handling procedures verified', S.dataHandling),

  // Phase 1
  item(
    P1,
    'step',
    'Phase 1: canary at 5%, days 1-2',
    at('canary', 'probes/version-matches', 'load/interleaved'),
  ),
  ...checks(`${P1} / Tasks`, 'checkbox', [
    ['Release on 5% of servers', at('canary', 'probes/version-matches', 'probes/environment-label')],
    [
      'Every metric watched closely',
      at(
        'canary',
        'metrics/error-ratio',
        'metrics/p95-latency',
        'metrics/memory-ratio',
        'metrics/db-connections',
      ),
    ],
    [
      'Error logs checked every 15 minutes',
      at('canary', 'metrics/error-ratio', 'metrics/worst-route-error-ratio'),
    ],
    ['Web Vitals verified', at('canary', ...vitals)],
    ['Core functionality tested', at('canary', ...golden)],
  ]),
  item(`${P1} / Tasks`, 'checkbox', 'User feedback followed', S.canaryFeedback),
  ...checks(`${P1} / Success Criteria`, 'criterion', [
    [
      'Error rate under 0.5%',
      at('canary', 'metrics/error-ratio', 'metrics/error-ratio-vs-baseline', 'load/interleaved'),
    ],
    ['Performance acceptable', at('canary', 'load/interleaved', ...percentiles)],
    [
      'No critical issues',
      at('canary', 'metrics/error-rate-critical', 'metrics/p95-critical', 'metrics/memory-critical'),
    ],
  ]),
  item(`${P1} / Success Criteria`, 'criterion', 'Canary users positive', S.canaryFeedback),
  item(
    `${P1} / If Issues Found`,
    'rollback',
    'A canary HOLD stops the rollout',
    at('production', 'requires/canary'),
  ),
  item(`${P1} / If Issues Found`, 'rollback', 'Back to the previous version', rolledBack),
  item(`${P1} / If Issues Found`, 'rollback', 'Investigate and fix', S.investigated),
  item(
    `${P1} / If Issues Found`,
    'rollback',
    'The fix passes staging again',
    at('canary', 'requires/staging'),
  ),
  item(`${P1} / If Issues Found`, 'rollback', 'Retry scheduled', S.retry),
  item(`${P1} / If Successful`, 'step', 'On to phase 2', at('production', 'requires/canary')),

  // Phase 2
  item(
    P2,
    'step',
    'Phase 2: 25% of traffic, days 3-5',
    at('graduated', 'probes/version-matches', 'load/steady'),
  ),
  ...checks(`${P2} / Tasks`, 'checkbox', [
    ['Traffic raised to 25%', at('graduated', 'probes/version-matches')],
    [
      'Close monitoring goes on',
      at('graduated', 'metrics/error-ratio', 'metrics/p95-latency', 'metrics/memory-ratio'),
    ],
    ['Performance degradation watched', at('graduated', 'load/steady', ...percentiles)],
    ['Database load checked', at('graduated', 'metrics/db-connections', 'probes/health-deep')],
    ['Cache effectiveness verified', at('graduated', 'metrics/cache-hit-ratio')],
    ['Error patterns followed', at('graduated', 'metrics/worst-route-error-ratio', 'metrics/error-ratio')],
  ]),
  ...checks(`${P2} / Success Criteria`, 'criterion', [
    ['Error rate back under 0.1%', at('graduated', 'metrics/error-ratio', 'load/steady')],
    ['Performance stable', at('graduated', ...percentiles)],
    ['No new issues', at('graduated', ...graduatedCritical, 'probes/health-simple')],
    ['Database healthy', at('graduated', 'metrics/db-connections', 'probes/health-deep')],
    ['Cache performing well', at('graduated', 'metrics/cache-hit-ratio')],
  ]),
  item(
    `${P2} / If Issues Found`,
    'rollback',
    'Phase 2 problems send traffic back to 5%',
    at(
      'graduated',
      'metrics/error-ratio',
      'metrics/p95-latency',
      'metrics/db-connections',
      'metrics/cache-hit-ratio',
    ),
  ),
  item(`${P2} / If Issues Found`, 'rollback', 'Investigate thoroughly', S.investigated),
  item(`${P2} / If Issues Found`, 'rollback', 'Fix and test again', at('canary', 'requires/staging')),
  item(
    `${P2} / If Issues Found`,
    'rollback',
    'Phase 2 retried until it promotes',
    at('production', 'requires/graduated'),
  ),
  item(`${P2} / If Successful`, 'step', 'On to phase 3', at('production', 'requires/graduated')),

  // Phase 3
  item(
    P3,
    'step',
    'Phase 3: all traffic, day 6 on',
    at('production', 'probes/version-matches', 'requires/graduated'),
  ),
  ...checks(`${P3} / Tasks`, 'checkbox', [
    ['Traffic raised to 100%', at('production', 'probes/version-matches')],
    ['Continuous watch for 24 h', [...soaked, ...at('day-1', 'requires/watch')]],
  ]),
  item(`${P3} / Tasks`, 'checkbox', 'Edge cases looked for', S.edgeCases),
  item(`${P3} / Tasks`, 'checkbox', 'Every feature verified', at('production', ...golden, ...vitals)),
  item(`${P3} / Tasks`, 'checkbox', 'Third-party integrations checked', S.thirdParty),
  item(
    `${P3} / Tasks`,
    'checkbox',
    'Performance under full load followed',
    at('production', 'load/steady', ...percentiles, 'metrics/cpu'),
  ),
  ...checks(`${P3} / Success Criteria`, 'criterion', [
    ['Error rate under 0.1%', at('production', 'metrics/error-ratio', 'load/steady')],
    ['Performance stable', [...at('production', ...percentiles), ...at('soak', 'metrics/p95-latency')]],
    ['All features working', at('production', ...golden)],
  ]),
  item(`${P3} / Success Criteria`, 'criterion', 'User feedback positive', S.feedbackDay1),
  ...checks(`${P3} / Success Criteria`, 'criterion', [
    ['No critical issues', at('production', ...critical)],
    ['Stable for 24 hours', [...at('day-1', 'requires/watch'), ...soaked]],
  ]),
  ...checks(`${P3} / Monitoring Schedule`, 'step', [
    ['Every minute in the first hour', soaked],
    ['Every 5 minutes for 8 hours', soaked],
    ['Every 15 minutes for 24 hours', soaked],
  ]),

  // Timeline
  ...checks('Deployment Timeline', 'step', [
    ['Day 1: final staging approval', at('canary', 'requires/staging')],
    ['Days 2-3: canary and its monitoring', at('production', 'requires/canary')],
    ['Days 4-5: graduated and its monitoring', at('production', 'requires/graduated')],
    ['Day 6: full production', at('production', 'probes/version-matches')],
    ['Day 7: post-release monitoring', [...at('day-1', 'requires/watch'), ...soaked]],
  ]),

  // Configuration and commands
  ...checks('Deployment Configuration', 'step', [
    [
      'Database credentials not left in shipped config',
      at('production', 'hygiene/secret-scan', 'hygiene/runtime-config'),
    ],
    [
      'CSRF protection always on in production',
      [...at('canary', 'security/csrf'), ...at('production', 'security/csrf')],
    ],
    [
      'Health verified after deploying',
      at('production', 'probes/health-simple', 'probes/health-deep', 'probes/version-matches'),
    ],
  ]),

  // Metrics and alerts
  ...checks(METRICS, 'metric', [
    [
      'Error rate target under 0.1%',
      [
        ...at('graduated', 'metrics/error-ratio'),
        ...at('production', 'metrics/error-ratio'),
        ...at('soak', 'metrics/error-ratio'),
      ],
    ],
    ['Response time p50 under 200 ms', at('production', 'metrics/p50-latency', 'load/steady')],
    [
      'Response time p95 under 500 ms',
      [...at('canary', 'metrics/p95-latency'), ...at('production', 'metrics/p95-latency')],
    ],
    ['Response time p99 under 2 s', at('production', 'metrics/p99-latency')],
    ['FCP under 1.5 s', at('production', ...vitals)],
    ['LCP under 2.5 s', at('production', ...vitals)],
    ['CLS under 0.1', at('production', ...vitals)],
    ['CPU under 60%', [...at('production', 'metrics/cpu'), ...at('soak', 'metrics/cpu')]],
    [
      'Memory under 80%',
      [...at('production', 'metrics/memory-ratio'), ...at('soak', 'metrics/memory-ratio')],
    ],
    [
      'Memory without leaks',
      [...at('soak', 'metrics/memory-growth'), ...at('production', 'metrics/memory-ratio')],
    ],
    [
      'Database connections under 50',
      [...at('graduated', 'metrics/db-connections'), ...at('production', 'metrics/db-connections')],
    ],
    [
      'Cache hit rate over 80%',
      [...at('graduated', 'metrics/cache-hit-ratio'), ...at('production', 'metrics/cache-hit-ratio')],
    ],
    [
      'API availability over 99.9%',
      [...at('graduated', 'availability/zero-downtime'), ...at('production', 'availability/zero-downtime')],
    ],
  ]),
  ...checks(ALERTS, 'threshold', [
    [
      'Error rate over 0.5%: WARN',
      [...at('canary', 'metrics/error-rate-warn'), ...at('production', 'metrics/error-rate-warn')],
    ],
    [
      'Error rate over 1%: CRITICAL',
      [...at('canary', 'metrics/error-rate-critical'), ...at('production', 'metrics/error-rate-critical')],
    ],
    ['p95 over 1 s: WARN', at('production', 'metrics/p95-warn')],
    ['p95 over 3 s: CRITICAL', at('production', 'metrics/p95-critical')],
    ['CPU over 70%: WARN', at('production', 'metrics/cpu-warn')],
    ['CPU over 85%: CRITICAL', at('production', 'metrics/cpu-critical')],
    [
      'Memory growing over 2% an hour: WARN',
      [...at('soak', 'metrics/memory-growth'), ...at('staging-soak', 'metrics/memory-growth')],
    ],
    [
      'Memory over 90%: CRITICAL',
      [...at('production', 'metrics/memory-critical'), ...at('soak', 'metrics/memory-critical')],
    ],
  ]),
  ...signed('Monitoring & Alerting / On-Call Response Times', 'step', [
    ['Critical answered within 5 minutes', S.onCall],
    ['Warning answered within 15 minutes', S.onCall],
    ['Info by the next business day', S.onCall],
  ]),

  // Rollback procedure
  ...signed(`${ROLLBACK} / Critical Issues in Phase 1`, 'rollback', [
    ['Page the on-call engineer', S.paged],
    ['Root cause within 10 minutes', S.investigated],
    ['Decide: fix or roll back', S.decided],
  ]),
  item(`${ROLLBACK} / Critical Issues in Phase 1`, 'rollback', 'Revert and redeploy', rolledBack),
  item(
    `${ROLLBACK} / Critical Issues in Phase 1`,
    'rollback',
    'Error rate drops after the rollback',
    at('rollback', 'metrics/error-ratio', 'load/steady'),
  ),
  item(`${ROLLBACK} / Critical Issues in Phase 1`, 'rollback', 'Stakeholders informed', S.communicated),
  ...signed(`${ROLLBACK} / Gradual Degradation in Phase 2`, 'rollback', [
    ['Team notified on a WARN', S.paged],
    ['Source of the issue found', S.investigated],
    ['Decide: roll back or fix', S.decided],
    ['Decision carried out', S.decided],
  ]),
  item(
    `${ROLLBACK} / Gradual Degradation in Phase 2`,
    'rollback',
    'Resolution verified',
    at('rollback', 'metrics/error-ratio', 'metrics/p95-latency'),
  ),
  ...signed(`${ROLLBACK} / Post-Release Issues in Phase 3`, 'rollback', [
    ['Severity and impact assessed', S.investigated],
    ['Quick fix, rollback or workaround weighed', S.decided],
    ['Best path chosen', S.decided],
    ['Chosen option carried out', S.decided],
    ['Users updated', S.communicated],
  ]),
  ...checks(`${ROLLBACK} / Rollback Commands`, 'rollback', [
    ['Previous release rebuilt and started', at('rollback', 'probes/version-matches')],
    [
      'Previous release works on the current schema',
      at('rollback', 'probes/health-deep', 'golden/create-estimate'),
    ],
    ['Health verified after the rollback', at('rollback', 'probes/health-simple', 'probes/health-deep')],
  ]),

  // Success criteria of the release
  ...checks('Success Criteria', 'criterion', [
    ['Canary phase completes cleanly', at('production', 'requires/canary')],
    ['Graduated phase completes cleanly', at('production', 'requires/graduated')],
    ['Full production stable', [...at('day-1', 'requires/watch'), ...soaked]],
    [
      'Error rate under 0.1% after 24 hours',
      [...at('day-1', 'metrics/error-ratio'), ...at('soak', 'metrics/error-ratio')],
    ],
    [
      'Performance meets its targets',
      at('production', ...percentiles, ...vitals, 'metrics/cpu', 'metrics/memory-ratio'),
    ],
    ['All features work as designed', at('production', ...golden)],
  ]),
  ...signed('Success Criteria', 'criterion', [
    ['User feedback positive', S.usersSatisfied],
    ['No critical issue reported', S.noCriticalReported],
    ['Team confidence high', S.teamConfidence],
    ['Monitoring stable, no false alerts', S.noFalseAlerts],
  ]),

  // Contingency plans
  item(
    `${CONTINGENCY} / Major Issues During Canary`,
    'rollback',
    'Stop the deployment',
    at('production', 'requires/canary'),
  ),
  ...signed(`${CONTINGENCY} / Major Issues During Canary`, 'rollback', [
    ['Find the root cause', S.investigated],
    ['Open an incident ticket', S.ticket],
    ['Roll back, hotfix or wait for a decision', S.decided],
    ['Notify stakeholders at once', S.communicated],
    ['Send status updates', S.communicated],
    ['Reschedule the deployment', S.retry],
  ]),
  item(
    `${CONTINGENCY} / Partial Degradation During Graduated`,
    'rollback',
    'Reduce to 5% of traffic',
    at(
      'graduated',
      'metrics/error-ratio',
      'metrics/p95-latency',
      'metrics/db-connections',
      'metrics/cache-hit-ratio',
    ),
  ),
  ...signed(`${CONTINGENCY} / Partial Degradation During Graduated`, 'rollback', [
    ['Investigate the issue', S.investigated],
    ['Fix, roll back or proceed with care', S.decided],
    ['Minor: fix; critical: roll back; monitoring only: raise slowly', S.decided],
  ]),
  ...signed(`${CONTINGENCY} / Full Production Issues`, 'rollback', [
    ['Page the on-call team', S.paged],
    ['Assess the impact', S.investigated],
    ['Decide the course of action', S.decided],
    ['Hotfix, rollback, workaround or wait', S.decided],
  ]),

  // Communication
  ...signed(`${COMMS} / Pre-Release`, 'checkbox', [
    ['Scheduled deployment announced', S.announce],
    ['Expected changes explained', S.changes],
    ['Release notes provided', S.releaseNotes],
    ['Expectations set', S.expectations],
  ]),
  ...signed(`${COMMS} / During Release`, 'checkbox', [
    ['Status update every phase', S.statusUpdates],
    ['Users alerted to any issue', S.issueAlerts],
    ['Expected availability announced', S.expectedAvailability],
    ['Support contact given', S.supportContact],
  ]),
  ...signed(`${COMMS} / Post-Release`, 'checkbox', [
    ['Successful release announced', S.announceSuccess],
    ['Team thanked', S.thanks],
    ['Lessons learned', S.lessons],
    ['Next steps shared', S.nextSteps],
  ]),

  // Post-release activities
  item(`${POST} / Immediate (First 24 Hours)`, 'checkbox', 'Checks every 1-5 minutes', soaked),
  ...signed(`${POST} / Immediate (First 24 Hours)`, 'checkbox', [
    ['User feedback read', S.feedbackDay1],
    ['Support tickets checked', S.supportTickets],
  ]),
  ...checks(`${POST} / Immediate (First 24 Hours)`, 'checkbox', [
    [
      'Error logs reviewed',
      [
        ...at('soak', 'metrics/error-ratio', 'metrics/worst-route-error-ratio'),
        ...at('day-1', 'metrics/error-ratio'),
      ],
    ],
    ['Every feature verified', at('day-1', ...golden)],
    ['Performance metrics checked', at('day-1', ...percentiles)],
  ]),
  item(`${POST} / Short-term (First Week)`, 'checkbox', 'User feedback collected', S.usersSatisfied),
  item(
    `${POST} / Short-term (First Week)`,
    'checkbox',
    'Performance trends followed',
    at('day-7', ...percentiles, ...vitals),
  ),
  ...signed(`${POST} / Short-term (First Week)`, 'checkbox', [
    ['Issues documented', S.issuesDocumented],
    ['Optimisation opportunities', S.optimisationIdeas],
  ]),
  item(
    `${POST} / Short-term (First Week)`,
    'checkbox',
    'Security audit results',
    at('day-7', 'hygiene/dependency-audit'),
  ),
  item(`${POST} / Short-term (First Week)`, 'checkbox', 'Satisfaction survey', S.survey),
  ...signed(`${POST} / Medium-term (2-4 Weeks)`, 'checkbox', [
    ['Usage patterns analysed', S.usageNormal],
    ['Optimise on real data', S.optimise],
    ['Lingering issues addressed', S.lingering],
    ['Next iteration planned', S.nextIteration],
    ['Release celebrated', S.celebrate],
  ]),
  ...checks(`${POST} / Long-term (Ongoing)`, 'checkbox', [
    [
      'Standard monitoring',
      at('weeks-2-4', 'probes/health-deep', 'metrics/error-ratio', 'metrics/p95-latency'),
    ],
    ['Regular maintenance', at('maintenance', 'maintenance/on', 'maintenance/off')],
  ]),
  ...signed(`${POST} / Long-term (Ongoing)`, 'checkbox', [
    ['Feature requests tracked', S.featureRequests],
    ['Performance tuning', S.tuning],
  ]),
  item(
    `${POST} / Long-term (Ongoing)`,
    'checkbox',
    'Security updates',
    at('weeks-2-4', 'hygiene/dependency-audit', 'security/headers'),
  ),

  // Post-release checklist
  ...checks(`${CHECKLIST} / Day 1 Sign-Off`, 'checkbox', [
    ['Error rate under 0.1%', [...at('day-1', 'metrics/error-ratio'), ...at('soak', 'metrics/error-ratio')]],
    ['Performance good', at('day-1', ...percentiles)],
    ['No critical issues', at('day-1', ...critical)],
  ]),
  ...signed(`${CHECKLIST} / Day 1 Sign-Off`, 'checkbox', [
    ['Users happy', S.feedbackDay1],
    ['Team confident', S.teamConfidentDay1],
  ]),
  item(`${CHECKLIST} / Day 1 Sign-Off`, 'checkbox', 'On to day 7', at('day-7', 'requires/day-1')),
  item(
    `${CHECKLIST} / Day 7 Sign-Off`,
    'checkbox',
    'Stable for 24 hours or more',
    at('day-7', 'requires/watch'),
  ),
  item(`${CHECKLIST} / Day 7 Sign-Off`, 'checkbox', 'Minor issues only', S.minorIssuesOnly),
  item(
    `${CHECKLIST} / Day 7 Sign-Off`,
    'checkbox',
    'Performance consistent',
    at('day-7', ...percentiles, 'load/steady'),
  ),
  ...signed(`${CHECKLIST} / Day 7 Sign-Off`, 'checkbox', [
    ['Monitoring stable', S.noFalseAlerts],
    ['Users satisfied', S.usersSatisfied],
    ['Release successful', S.releaseSuccessful],
  ]),
  ...checks(`${CHECKLIST} / Week 2-4 Sign-Off`, 'checkbox', [
    ['No regressions', at('weeks-2-4', ...golden, 'metrics/error-ratio')],
    ['Performance optimal', at('weeks-2-4', ...percentiles, ...vitals)],
  ]),
  ...signed(`${CHECKLIST} / Week 2-4 Sign-Off`, 'checkbox', [
    ['Usage patterns normal', S.usageNormal],
    ['Team satisfied', S.teamSatisfied],
    ['Ready for the next sprint', S.nextSprint],
  ]),
];

export const sources: NonNullable<RunbookInput['sources']> = [
  {
    document: '004_7a451f82c325f8b2.txt',
    title: 'Proofile Sprint 7.5: Production Deployment Plan',
    items,
  },
];
