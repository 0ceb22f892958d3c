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

/** Words of a line that is a decision or an action of people, not a state of the deployment. */
const PEOPLE =
  /\b(?:approv\w*|notif\w*|announc\w*|sign[\s-]?offs?|signed[\s-]off|teams?|stakeholders?|on[\s-]?call|polic(?:y|ies)|legal|gdpr|communicat\w*|inform\w*|brief\w*|acknowledg\w*|consent|compliance|customers? support)\b/i;

export const isPeopleLine = (label: string) => PEOPLE.test(label);

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
