import { assessWindows } from '../../checks/window.ts';
import type { RunbookSource } from '../../config/discover-runbook.ts';
import type { CheckResult } from '../../model/check-result.ts';
import type { Signoff, Waiver } from '../../model/governance.ts';
import { formatDuration } from '../../model/governance.ts';
import type { Runbook, Stage } from '../../model/runbook.ts';
import { harnessCheck } from '../harness-check.ts';
import { slug } from '../identity.ts';
import { stageStanding } from '../stage-standing.ts';
import type { Store } from '../store/store.ts';
import { assessWatchSpan } from '../watch/watch-span.ts';

export interface GovernanceInput {
  runbook: Runbook;
  runbookFile: string;
  /** How the runbook was found; the sign command repeats `--runbook` unless by convention. */
  runbookFoundBy?: RunbookSource;
  stageName: string;
  stage: Stage;
  release: string;
  now: Date;
  store: Store;
  overrideWindow?: string;
}

export interface GovernanceResult {
  checks: CheckResult[];
  signoffs: (Signoff & { role?: string })[];
  windowOverride?: string;
}

function harness(
  id: string,
  title: string,
  kind: 'manual' | 'harness',
  file: string,
  partial: Partial<CheckResult>,
): CheckResult {
  return harnessCheck(id, title, { suite: file, kind, ...partial });
}

const quote = (s: string) => `"${s.replace(/(["\\$`])/g, '\\$1')}"`;
const shellWord = (s: string) => (/^[\w./@:+,=-]+$/.test(s) ? s : quote(s));

/** The command a person runs to sign an item, printed for every pending sign-off. */
export function signCommand(
  stage: string,
  title: string,
  runbookFile: string,
  release: string,
  foundBy?: RunbookSource,
): string {
  // `sign` finds a conventional runbook again by itself; a named one must be named again to paste.
  const rb = foundBy === 'convention' ? '' : ` --runbook ${shellWord(runbookFile)}`;
  return `npx rollgate sign ${stage} ${quote(title)} --by <name> --release ${release}${rb}`;
}

/** The id of a sign-off's check: `signoff/security-team-approval`. */
export const signoffCheckId = (title: string) => `signoff/${slug(title)}`;
/** The id of the deployment-window check of a stage with `windows`. */
export const WINDOW_CHECK_ID = 'window/deployment-window';
/** The ids of a stage's `requires` checks: `requires/<stage>` per stage, `requires/drill`, `requires/watch`. */
export const requiresCheckId = (what: string) => `requires/${what}`;

const ago = (ms: number) => (ms >= 3600e3 ? `${(ms / 3600e3).toFixed(1)} h` : `${Math.round(ms / 60e3)} min`);

/**
 * Checks no test runner can make: sign-offs, the deployment window and the stage order, read from
 * the store. They are ordinary blocking checks in the verdict, so a HOLD names them like any other.
 */
export async function governanceChecks(g: GovernanceInput): Promise<GovernanceResult> {
  const checks: CheckResult[] = [];
  const file = g.runbookFile;
  const signed = await g.store.signoffs(g.runbook.name, g.stageName, g.release);
  const signoffs: GovernanceResult['signoffs'] = [];
  for (const item of g.runbook.signoffs.filter((s) => s.stage === g.stageName)) {
    const s = signed.filter((x) => x.title === item.title).at(-1);
    if (s) signoffs.push({ ...s, role: item.role });
    checks.push(
      harness(
        signoffCheckId(item.title),
        `sign-off: ${item.title}${item.role ? ` (${item.role})` : ''}`,
        'manual',
        file,
        s
          ? { message: `signed by ${s.by} at ${s.at}${s.note ? `: ${s.note}` : ''}` }
          : {
              status: 'failed',
              message: `not signed for release ${g.release}; sign with: ${signCommand(g.stageName, item.title, file, g.release, g.runbookFoundBy)}`,
            },
      ),
    );
  }

  if (g.stage.windows.length) {
    const w = assessWindows(g.now, g.stage.windows);
    const base = { id: WINDOW_CHECK_ID, title: `deployment window (${w.windows})` };
    if (w.inside)
      checks.push(harness(base.id, base.title, 'harness', file, { message: `inside the window: ${w.now}` }));
    else if (g.overrideWindow)
      checks.push(
        harness(base.id, base.title, 'harness', file, {
          status: 'waived',
          message: `outside the window (${w.now}); overridden: ${g.overrideWindow}`,
        }),
      );
    else {
      checks.push(
        harness(base.id, base.title, 'harness', file, {
          status: 'failed',
          message: `outside the deployment window: now ${w.now}, allowed ${w.windows}. To deploy anyway: --override-window "<reason>"`,
        }),
      );
    }
  }

  const needs = g.stage.requires;
  if (needs && (needs.stages.length || needs.drill || needs.watch)) {
    const ledger = await g.store.ledger(g.runbook.name);
    for (const req of needs.stages) {
      const id = requiresCheckId(req.stage);
      const title = `${req.stage} promoted release ${g.release}${req.soak ? ` at least ${ago(req.soak)} ago` : ''}`;
      const { newest, promotedSince: promoted } = stageStanding(ledger, req.stage, g.release);
      if (!promoted) {
        checks.push(
          harness(id, title, 'harness', file, {
            status: 'failed',
            message: newest
              ? `the newest ${req.stage} gate for release ${g.release} held (run ${newest.runId} at ${newest.finishedAt}): a later HOLD revokes an earlier PROMOTE; run the ${req.stage} gate again once it passes`
              : `no PROMOTE of ${req.stage} for release ${g.release} in the ledger: run the ${req.stage} gate first`,
          }),
        );
        continue;
      }
      const age = g.now.getTime() - Date.parse(promoted.finishedAt);
      const measurements = req.soak
        ? [
            {
              name: `${req.stage}-soak`,
              actual: Math.round(age / 1000),
              operator: '>=' as const,
              expected: Math.round(req.soak / 1000),
              unit: 's',
              samples: 1,
              passed: age >= req.soak,
            },
          ]
        : [];
      const soaked = !req.soak || age >= req.soak;
      checks.push(
        harness(id, title, 'harness', file, {
          status: soaked ? 'passed' : 'failed',
          measurements,
          message: soaked
            ? `promoted by run ${promoted.runId} at ${promoted.finishedAt}${newest !== promoted ? ` (newest PROMOTE ${newest!.runId})` : ''}`
            : `${req.stage} promoted ${ago(age)} ago (run ${promoted.runId}, start of its newest unbroken run of PROMOTEs); the soak needs ${ago(req.soak!)}`,
        }),
      );
    }
    if (needs.drill) {
      // The newest drill decides too: one that held since the last pass means restores fail now.
      const { newest: lastDrill } = stageStanding(ledger, needs.drill.stage);
      const drill = lastDrill?.verdict === 'promote' ? lastDrill : undefined;
      const age = drill ? g.now.getTime() - Date.parse(drill.finishedAt) : Number.POSITIVE_INFINITY;
      const ok = age <= needs.drill.within;
      checks.push(
        harness(
          requiresCheckId('drill'),
          `a passing ${needs.drill.stage} drill within ${ago(needs.drill.within)}`,
          'harness',
          file,
          {
            status: ok ? 'passed' : 'failed',
            message: drill
              ? `last passing drill ${ago(age)} ago (run ${drill.runId})`
              : lastDrill
                ? `the newest ${needs.drill.stage} drill held (run ${lastDrill.runId} at ${lastDrill.finishedAt}): a later HOLD revokes an earlier pass`
                : `no passing ${needs.drill.stage} drill in the ledger`,
          },
        ),
      );
    }
    if (needs.watch) {
      const w = assessWatchSpan(ledger, needs.watch, g.release);
      checks.push(
        harness(
          requiresCheckId('watch'),
          `${formatDuration(needs.watch.span)} of consecutive passing ${needs.watch.stage} watch runs for release ${g.release}`,
          'harness',
          file,
          { status: w.passed ? 'passed' : 'failed', measurements: [w.measurement], message: w.message },
        ),
      );
    }
  }
  return {
    checks,
    signoffs,
    windowOverride:
      g.overrideWindow && checks.some((c) => c.status === 'waived') ? g.overrideWindow : undefined,
  };
}

/** Turns failed blocking checks into `waived` where a named person accepted them, until the waiver expires. */
export function applyWaivers(checks: CheckResult[], waivers: readonly Waiver[], now: Date): CheckResult[] {
  return checks.map((c) => {
    if (c.status !== 'failed') return c;
    const w = waivers.filter((x) => x.checkId === c.id && Date.parse(x.expires) > now.getTime()).at(-1);
    if (!w) return c;
    return {
      ...c,
      status: 'waived',
      waiver: { by: w.by, reason: w.reason, expires: w.expires, at: w.at },
      message: `waived by ${w.by} until ${w.expires}: ${w.reason} (was: ${c.message ?? 'failed'})`,
    };
  });
}
