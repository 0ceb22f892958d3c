/**
 * Which headings of a deployment plan are stages, and their names. A guess, documented in
 * docs/coverage.md:
 * - `Stage: <name>` (what `rollgate render` writes) is that stage, exactly;
 * - `Stage 2: Canary Deployment (Day 2)`, `Phase 1: …`, `Wave 2: …`, `Day 1: …` are stages, named
 *   from the words after the colon (`Step 3: …` only when those words name a stage);
 * - a heading whose words are a stage word (canary, staging, production, pre-deployment,
 *   post-deployment…) and otherwise only words such as deployment, rollout, verification or
 *   checklist (`Staging Verification`, `Pre-Deployment Checklist`) is a stage;
 * - anything else is a section.
 * Names are lower-case words with dashes: canary, staging, preflight, production,
 * post-deployment, dr, else the heading's first words.
 */

/** Stage words → the stage's name, in priority order (pre- and post- before the environment). */
const STAGE_WORDS: [RegExp, string][] = [
  [
    /\b(?:pre[\s-]?(?:deploy(?:ment)?|flight|release|launch|production|rollout)|prerequisites?|preparation)\b/,
    'preflight',
  ],
  [/\b(?:post[\s-]?(?:deploy(?:ment)?|release|launch|rollout))\b/, 'post-deployment'],
  [/\bcanary\b/, 'canary'],
  [/\bstaging\b/, 'staging'],
  [/\b(?:production|prod|full rollout|general availability|ga)\b|\b100\s*%/, 'production'],
  [/\b(?:disaster recovery|dr drill)\b/, 'dr'],
  [/\b(?:uat|user acceptance)\b/, 'uat'],
  [/\b(?:qa|quality assurance)\b/, 'qa'],
  [/\b(?:beta|pilot|early access)\b/, 'beta'],
  [/\b(?:smoke tests?)\b/, 'smoke'],
];

/** Words that may stand beside a stage word in a stage's heading. */
const PHASE_WORDS = new Set(
  'deployment deployments deploy rollout roll out release launch verification verify validation validate checklist checks check tests test testing environment env phase stage go live go-live cutover and the of to in a traffic day days week hour hours rollback plan'.split(
    ' ',
  ),
);

/** `Stage 2: Canary`, `Phase 1 - Canary`, `Day 3 – Production`, `Step 4: …`. */
const NUMBERED = /^(stage|phase|step|wave|day|week)\s*(\d+[a-z]?)\s*(?:[:.)–—-]\s*(.*))?$/i;

export function stageNameOf(words: string): string | undefined {
  const t = words.toLowerCase();
  for (const [re, name] of STAGE_WORDS) if (re.test(t)) return name;
  return undefined;
}

const slugWords = (s: string) =>
  s
    .toLowerCase()
    .replace(/\([^)]*\)/g, ' ')
    .replace(/\d+(?:\.\d+)?\s*%/g, ' ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

/**
 * The stage a heading names (its plain text, see headingText), or undefined for a section.
 * @example stageOfHeading('Stage 2: Canary Deployment (Day 2)') // 'canary'
 * @example stageOfHeading('Code Readiness') // undefined
 */
export function stageOfHeading(text: string, explicit: RegExp): string | undefined {
  const ex = explicit.exec(text.trim());
  if (ex) return ex[1];
  const numbered = NUMBERED.exec(text.trim());
  if (numbered) {
    const rest = (numbered[3] ?? '').trim();
    const named = stageNameOf(rest.replace(/\([^)]*\)/g, ' '));
    if (named) return named;
    // `Step 2: Run the migrations` inside a stage is a step of it, not a stage.
    if (numbered[1]!.toLowerCase() === 'step') return undefined;
    const words = slugWords(rest)
      .split('-')
      .filter((w) => w && !PHASE_WORDS.has(w) && !/^\d/.test(w))
      .slice(0, 3)
      .join('-');
    return words || `${numbered[1]!.toLowerCase()}-${numbered[2]!.toLowerCase()}`;
  }
  const bare = text.replace(/\([^)]*\)/g, ' ').toLowerCase();
  const name = stageNameOf(bare);
  if (!name) return undefined;
  // Every word other than the stage words is a phase word: `Staging Verification`, not `Canary Metrics`.
  const stageWords = bare.replace(STAGE_WORDS.find(([, n]) => n === name)![0], ' ');
  const others = stageWords.split(/[^a-z0-9%-]+/).filter((w) => w && !/^[\d%-]+$/.test(w));
  return others.every((w) => PHASE_WORDS.has(w)) ? name : undefined;
}

/** Words of sections whose lines are rollback criteria, success criteria, alert thresholds, monitoring. */
export type SectionKind = 'rollback' | 'criterion' | 'threshold' | 'monitoring';

/** What a section's heading path says its plain list lines are (the nearest heading that says wins). */
export function sectionKindOf(path: readonly string[]): SectionKind | undefined {
  for (const h of [...path].reverse()) {
    const t = h.toLowerCase();
    if (
      /\b(?:roll[\s-]?back|revert|abort)\b/.test(t) &&
      /\b(?:criteri\w*|triggers?|conditions?|when)\b/.test(t)
    )
      return 'rollback';
    if (
      /\b(?:success|acceptance|exit|go[\s/-]*no[\s-]*go|done)\b/.test(t) &&
      /\bcriteri|\bdefinition\b|\bgo\b/.test(t)
    )
      return 'criterion';
    if (/\b(?:thresholds?|alerts?|alerting|alarms?|escalation)\b/.test(t)) return 'threshold';
    if (/\b(?:monitor\w*|observability|metrics|dashboards?|slos?|slis?|kpis?)\b/.test(t)) return 'monitoring';
  }
  return undefined;
}

/**
 * Whether a line is a decision or an action of people (a sign-off), not a state of the deployment
 * (a check). A guess, documented in docs/coverage.md, in three steps:
 * 1. an approval, a sign-off or an announcement is a person's, whatever it is about;
 * 2. a line that names something observable on the target (a header, a rate limit, CORS, the
 *    error rate, latency, a page that loads, TLS, a backup…) is a check, even when it names a
 *    team or a policy (`CORS policy restricts origins`, `Team page loads under 2s`);
 * 3. else people being told or briefed (`Notify customer support`, `Stakeholders informed`), a
 *    review with or by a team, the on-call rota, legal matters (legal, GDPR, terms, privacy
 *    policy, compliance, consent) are a person's; an alert that notifies is not.
 */
const APPROVAL = /\b(?:approv\w*|sign[\s-]?offs?|signs?[\s-]off|signed[\s-]off|announc\w*)\b/i;

/** Things a check observes on the target: a line naming one is a check (step 2). */
const OBSERVABLE = new RegExp(
  [
    String.raw`\b(?:headers?|content[\s-]security[\s-]policy|csp|hsts|cors|same[\s-]origin)\b`,
    String.raw`\brate[\s-]?limit\w*|\bthrottl\w*`,
    String.raw`\b(?:error|failure|success)[\s-]?rates?\b|\blatency\b|\bresponse[\s-]?times?\b|\bp(?:50|90|95|99)\b`,
    String.raw`\b(?:pages?|screens?|site)\s+(?:loads?|loaded|renders?|rendered|answers?|responds?)\b|\bloads?\s+(?:in|under|within|below)\b`,
    String.raw`\b(?:tls|ssl|https|hsts|certificates?)\b`,
    String.raw`\b(?:backups?|restores?|restored)\b`,
    String.raw`\bstack[\s-]?traces?\b|\bendpoints?\b|\bstatus[\s-]?codes?\b|\b[45]xx\b|\buptime\b|\bhealth[\s-]?checks?\b`,
    // An alert that notifies or pages is a rule that fires, not a person telling anyone.
    String.raw`\b(?:alerts?|alarms?|alerting|monitors?|webhooks?|bots?)\s+(?:[\w-]+\s+){0,2}?(?:notif\w*|pages?|paged|fires?|triggers?)\b`,
  ].join('|'),
  'i',
);

/** Who a person tells, briefs or works with. */
const NOUN = String.raw`(?:stakeholders?|users?|customers?|clients?|partners?|consumers?|teams?|support|on[\s-]?call|engineers?|owners?|managers?|leads?|staff|everyone|board|committee|channels?)`;
/** A few words between a verb and who it is about: `Notify [the] customer support`. */
const FEW = String.raw`(?:the\s+|all\s+|our\s+|affected\s+)?(?:[\w-]+\s+){0,2}?`;
const TELL =
  '(?:notify|notifies|notifying|inform|informs|informing|brief|briefs|briefing|tell|tells|communicate|communicates|communicating)';
const TOLD = '(?:notified|informed|briefed|told|communicated)';

/** People told or briefed, working together, on duty, legal matters (step 3). */
const PEOPLE = new RegExp(
  [
    // `Notify customer support…`, `Stakeholders informed…`, `Notification to users sent`.
    String.raw`\b${TELL}\s+${FEW}${NOUN}\b`,
    String.raw`\b${NOUN}\s+(?:(?:are|is|were|was|get|gets|got|have\s+been|has\s+been)\s+)?${TOLD}\b`,
    String.raw`\b(?:notifications?|communications?|notices?|status\s+updates?)\s+(?:[\w-]+\s+){0,2}?(?:to|of|for|with)\s+${FEW}${NOUN}\b|\bcommunications?\s+plan\b`,
    // `Success metrics reviewed with the product team`, `… agreed by the change board`.
    String.raw`\b(?:with|by)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:teams?|board|committee|stakeholders?|owners?|managers?|leads?)\b`,
    // On duty: `On-call engineer assigned`, `Support team on standby`.
    String.raw`\bon[\s-]?call\b|\b(?:teams?|support|engineers?|staff)\s+(?:is\s+|are\s+)?(?:on\s+standby|ready|available|staffed|assigned|trained)\b`,
    String.raw`\backnowledg\w*|\bstakeholders?\b|\bcustomer\s+support\b(?!\s+tickets?)`,
    String.raw`\b(?:legal|gdpr|compliance|consent|terms\s+(?:of\s+(?:service|use)|and\s+conditions)|(?:updated|new)\s+terms|(?:privacy|cookie|retention)\s+polic(?:y|ies))\b`,
  ].join('|'),
  'i',
);

export const isPeopleLine = (label: string) =>
  APPROVAL.test(label) || (!OBSERVABLE.test(label) && PEOPLE.test(label));

/** Why an imported sign-off is signed by a person, written into its `reason`. */
export const PEOPLE_REASON = 'a decision or an action of people, not a state of the deployment';

/** A role guessed from a sign-off's words. */
export function roleOf(label: string): string | undefined {
  const t = label.toLowerCase();
  const roles: [RegExp, string][] = [
    [/\bsecurity\b/, 'security'],
    [/\b(?:legal|gdpr|compliance|polic(?:y|ies)|privacy)\b/, 'legal'],
    [/\b(?:product|stakeholders?|business|management)\b/, 'product'],
    [/\b(?:on[\s-]?call|sre|ops|operations|infrastructure|platform)\b/, 'operations'],
    [/\b(?:support|customer)\b/, 'support'],
    [/\b(?:qa|quality)\b/, 'qa'],
    [/\b(?:dba|database)\b/, 'dba'],
    [/\b(?:announc\w*|communicat\w*|marketing|notif\w*)\b/, 'communications'],
    [/\b(?:engineering|developers?|tech lead|team lead)\b/, 'engineering'],
  ];
  return roles.find(([re]) => re.test(t))?.[1];
}

/** A plain list line that is a step of the procedure: it starts with an imperative verb. */
export const isStepLine = (label: string) =>
  /^(?:verify|check|confirm|ensure|run|deploy|monitor|test|validate|review|enable|disable|switch|route|shift|increase|scale|migrate|apply|restart|roll|promote|execute|start|stop|update|backup|back up|take|create|remove|drain|warm|flush|invalidate|tag|merge|build|publish|release|open|close|watch|wait|compare|measure)\b/i.test(
    label,
  );
