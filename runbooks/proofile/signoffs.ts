import { manual } from 'rollgate';

/**
 * The Proofile plan's items that no check can observe from outside: approvals, people, legal text,
 * vendor consoles the stand-in does not have, and what users say. Each is a sign-off on the stage
 * whose gate needs it, with the reason a person signs it (`rollgate coverage` shows the reason).
 * Sign one with `npx rollgate sign <stage> "<title>" --by <name> --release <version>`.
 */
interface Signoff {
  title: string;
  stage: string;
  role: string;
  reason: string;
}

const PEOPLE = 'people and their preparation are not a state of the deployment';
const COMMS = 'a message to users or stakeholders, sent by people through email, Slack or the status page';
const LEGAL = 'legal text and compliance are approved by counsel, and the stand-in serves no such pages';
const FEEDBACK = 'what users say reaches the team through support and feedback channels, not through the app';
const DECISION = 'a decision by the release manager, taken on the checks’ results but not one of them';
const INCIDENT =
  'an incident response step by people; the HOLD that calls for it is a check, the response is not';

export const S = {
  // Staging validation and the week before the release.
  manualQa: {
    title: 'Manual QA passed at 95% or more',
    stage: 'staging',
    role: 'qa',
    reason: 'manual QA is exploratory testing by people; its pass rate lives in the QA tracker',
  },
  announce: {
    title: 'Scheduled deployment announced',
    stage: 'staging',
    role: 'release-manager',
    reason: COMMS,
  },
  changes: {
    title: 'Users told about the expected changes',
    stage: 'staging',
    role: 'product',
    reason: COMMS,
  },
  releaseNotes: { title: 'Release notes published', stage: 'staging', role: 'product', reason: COMMS },
  expectations: { title: 'Expectations set', stage: 'staging', role: 'release-manager', reason: COMMS },

  // Production readiness, team readiness and legal: before any production traffic (the canary).
  redis: {
    title: 'Production Redis configured',
    stage: 'canary',
    role: 'devops',
    reason:
      'the stand-in has no Redis (the demo caches in process memory); on the real deployment report Redis in the deep health answer and move this item to probes/health-deep',
  },
  dns: {
    title: 'DNS records updated',
    stage: 'canary',
    role: 'devops',
    reason:
      'DNS is set at the registrar; the stand-in runs on loopback without names, and checks here reach only 127.0.0.1',
  },
  cdn: {
    title: 'CDN configured where used',
    stage: 'canary',
    role: 'devops',
    reason: 'the CDN is configured in its vendor console; the stand-in serves its own assets',
  },
  drPlan: {
    title: 'Disaster recovery plan documented',
    stage: 'canary',
    role: 'operations',
    reason: 'a written plan is reviewed by people; the dr stage proves the restore itself',
  },
  onCall: {
    title: 'On-call schedule and response times agreed',
    stage: 'canary',
    role: 'release-manager',
    reason: PEOPLE,
  },
  escalation: { title: 'Escalation paths clear', stage: 'canary', role: 'release-manager', reason: PEOPLE },
  channels: {
    title: 'Communication channels ready',
    stage: 'canary',
    role: 'release-manager',
    reason: PEOPLE,
  },
  incidentTeam: {
    title: 'Incident response team briefed',
    stage: 'canary',
    role: 'release-manager',
    reason: PEOPLE,
  },
  docsReviewed: { title: 'Documentation reviewed', stage: 'canary', role: 'release-manager', reason: PEOPLE },
  teamRunbooks: {
    title: 'Team runbooks prepared',
    stage: 'canary',
    role: 'operations',
    reason: 'whether the team’s own procedures are written and understood is a review by people',
  },
  trained: {
    title: 'Team trained on the status-check procedures',
    stage: 'canary',
    role: 'operations',
    reason: PEOPLE,
  },
  privacy: { title: 'Privacy policy updated', stage: 'canary', role: 'legal', reason: LEGAL },
  terms: { title: 'Terms of service updated', stage: 'canary', role: 'legal', reason: LEGAL },
  gdpr: { title: 'GDPR compliance verified', stage: 'canary', role: 'legal', reason: LEGAL },
  dataHandling: { title: 'Data handling procedures verified', stage: 'canary', role: 'legal', reason: LEGAL },
  canaryFeedback: {
    title: 'Canary user feedback positive',
    stage: 'canary',
    role: 'product',
    reason: FEEDBACK,
  },

  // Full production, the day of the release.
  thirdParty: {
    title: 'Third-party integrations checked',
    stage: 'production',
    role: 'backend',
    reason:
      'the stand-in calls no third-party service; on the real deployment give each integration a health entry and move this item to probes/health-<name>',
  },
  statusUpdates: {
    title: 'Status update sent for each phase',
    stage: 'production',
    role: 'release-manager',
    reason: COMMS,
  },
  issueAlerts: {
    title: 'Users alerted to issues during the release',
    stage: 'production',
    role: 'support',
    reason: COMMS,
  },
  expectedAvailability: {
    title: 'Expected availability announced',
    stage: 'production',
    role: 'release-manager',
    reason: COMMS,
  },
  supportContact: { title: 'Support contact published', stage: 'production', role: 'support', reason: COMMS },

  // Day 1.
  edgeCases: {
    title: 'Edge cases reviewed',
    stage: 'day-1',
    role: 'qa',
    reason: 'odd cases come from people reading reports and tickets; the golden paths cover the known paths',
  },
  feedbackDay1: {
    title: 'User feedback read and positive on day 1',
    stage: 'day-1',
    role: 'product',
    reason: FEEDBACK,
  },
  supportTickets: {
    title: 'Support tickets checked',
    stage: 'day-1',
    role: 'support',
    reason: 'tickets live in the support desk, not in the app',
  },
  teamConfidentDay1: {
    title: 'Team confident after day 1',
    stage: 'day-1',
    role: 'release-manager',
    reason: PEOPLE,
  },

  // Day 7.
  minorIssuesOnly: {
    title: 'Only minor issues open after a week',
    stage: 'day-7',
    role: 'release-manager',
    reason: 'issue severity is triaged by people in the tracker',
  },
  usersSatisfied: {
    title: 'Users satisfied after a week',
    stage: 'day-7',
    role: 'product',
    reason: FEEDBACK,
  },
  survey: { title: 'User satisfaction survey run', stage: 'day-7', role: 'product', reason: FEEDBACK },
  releaseSuccessful: {
    title: 'Release declared successful',
    stage: 'day-7',
    role: 'release-manager',
    reason: DECISION,
  },
  issuesDocumented: {
    title: 'Issues of the first week documented',
    stage: 'day-7',
    role: 'qa',
    reason: 'writing issues down is work by people',
  },
  optimisationIdeas: {
    title: 'Optimisation opportunities listed',
    stage: 'day-7',
    role: 'backend',
    reason: 'a list of ideas drawn from the week’s measurements is judgement, not a measurement',
  },
  noCriticalReported: {
    title: 'No critical issue reported by users or support',
    stage: 'day-7',
    role: 'support',
    reason: 'reports come from people through support; the critical metric rules are checks of their own',
  },
  noFalseAlerts: {
    title: 'No false alerts in the first week',
    stage: 'day-7',
    role: 'devops',
    reason: 'whether an alert that fired was false is judged by people reading the alert history',
  },
  teamConfidence: { title: 'Team confidence high', stage: 'day-7', role: 'release-manager', reason: PEOPLE },
  announceSuccess: {
    title: 'Successful release announced',
    stage: 'day-7',
    role: 'release-manager',
    reason: COMMS,
  },
  thanks: { title: 'Team thanked', stage: 'day-7', role: 'release-manager', reason: PEOPLE },
  lessons: { title: 'Lessons learned written up', stage: 'day-7', role: 'release-manager', reason: PEOPLE },
  nextSteps: { title: 'Next steps communicated', stage: 'day-7', role: 'release-manager', reason: COMMS },

  // Weeks 2 to 4, and ongoing.
  usageNormal: {
    title: 'Usage patterns normal',
    stage: 'weeks-2-4',
    role: 'product',
    reason: 'feature use and conversion live in the business dashboard; the stand-in has no real users',
  },
  teamSatisfied: { title: 'Team satisfied', stage: 'weeks-2-4', role: 'release-manager', reason: PEOPLE },
  nextSprint: {
    title: 'Ready for the next sprint',
    stage: 'weeks-2-4',
    role: 'release-manager',
    reason: DECISION,
  },
  optimise: {
    title: 'Optimisations from real data planned',
    stage: 'weeks-2-4',
    role: 'backend',
    reason: 'planning work is judgement by people',
  },
  lingering: {
    title: 'Lingering issues addressed',
    stage: 'weeks-2-4',
    role: 'release-manager',
    reason: 'issues are tracked and closed by people in the tracker',
  },
  nextIteration: {
    title: 'Next iteration planned',
    stage: 'weeks-2-4',
    role: 'release-manager',
    reason: DECISION,
  },
  celebrate: { title: 'Release celebrated', stage: 'weeks-2-4', role: 'release-manager', reason: PEOPLE },
  featureRequests: {
    title: 'Feature requests tracked',
    stage: 'weeks-2-4',
    role: 'product',
    reason: 'requests come from users and live in the tracker',
  },
  tuning: {
    title: 'Performance tuning scheduled',
    stage: 'weeks-2-4',
    role: 'backend',
    reason: 'scheduling work is a decision by people; the measurements it uses are the stage’s checks',
  },

  // The incident response around a rollback (the rollback stage is gated when one is carried out).
  paged: {
    title: 'On-call paged or team notified',
    stage: 'rollback',
    role: 'release-manager',
    reason: INCIDENT,
  },
  ticket: { title: 'Incident ticket opened', stage: 'rollback', role: 'release-manager', reason: INCIDENT },
  investigated: { title: 'Root cause investigated', stage: 'rollback', role: 'backend', reason: INCIDENT },
  decided: {
    title: 'Fix, rollback or workaround decided and carried out',
    stage: 'rollback',
    role: 'release-manager',
    reason: INCIDENT,
  },
  communicated: {
    title: 'Stakeholders and users told about the incident',
    stage: 'rollback',
    role: 'release-manager',
    reason: INCIDENT,
  },
  retry: {
    title: 'Fix re-tested and retry scheduled',
    stage: 'rollback',
    role: 'release-manager',
    reason: INCIDENT,
  },
} satisfies Record<string, Signoff>;

export const signoffs = Object.values(S).map((s: Signoff) =>
  manual(s.title, { stage: s.stage, role: s.role, reason: s.reason }),
);
