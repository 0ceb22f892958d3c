import { stripVTControlCharacters } from 'node:util';
import { classifyError, explainError } from '../checks/authoring/errors.ts';
import type { CheckResult, CheckStatus, PlannedCheck } from '../model/check-result.ts';
import type { EngineErrorCode } from '../model/error-codes.ts';
import type { RawResults, RawTest, RunnerKind } from '../model/raw-result.ts';
import type { Stage } from '../model/runbook.ts';
import { checkIdentity } from './identity.ts';
import { isBlocking, key, type Plan } from './plan.ts';
import { type CheckCandidate, validCheck } from './valid-checks.ts';

function firstLines(text: string, n = 5): string {
  // Strip ANSI colours (messages end up in JSON and HTML) and blank lines.
  return stripVTControlCharacters(text)
    .split('\nCall log:')[0]!
    .split('\n')
    .map((l) => l.replace(/(^|: )(Error|CheckFailure|ObservationError): /, '$1').trimEnd())
    .filter((l) => l.trim())
    .slice(0, n)
    .join('\n');
}

export interface Status {
  status: CheckStatus;
  message?: string;
  notApplicable?: string;
  /** The first error's own code, or the engine's when the runner gave none. */
  code?: string;
}

const engineCode = (code: EngineErrorCode) => code;

/** A runner's (or a built-in's) result as a check status, with its message and code. */
export function statusOf(
  t: Pick<RawTest, 'state' | 'flaky' | 'retries' | 'errors' | 'skipNote' | 'record'>,
): Status {
  switch (t.state) {
    case 'passed':
      return t.flaky
        ? { status: 'flaky', message: `passed only on retry ${t.retries}` }
        : { status: 'passed' };
    case 'skipped': {
      const reason = t.record?.notApplicable ?? t.skipNote;
      return reason?.trim()
        ? { status: 'skipped', notApplicable: reason }
        : {
            status: 'skipped',
            message: 'skipped without a declared reason (use notApplicable(reason))',
            code: engineCode('ROLLGATE_SKIP_WITHOUT_REASON'),
          };
    }
    case 'timedOut':
      return {
        status: 'errored',
        message: firstLines(explainError(t.errors[0]?.message ?? 'timed out')),
        code: t.errors[0]?.code ?? engineCode('ROLLGATE_CHECK_TIMEOUT'),
      };
    case 'interrupted':
      return {
        status: 'errored',
        message: 'interrupted before it finished',
        code: engineCode('ROLLGATE_INTERRUPTED'),
      };
    case 'failed': {
      const first = t.errors[0] ?? { message: 'failed without an error message' };
      return {
        status: classifyError(first),
        message: firstLines(explainError(first.message)),
        code: first.code,
      };
    }
  }
}

/**
 * The id of a runner's result: the plan's, found by file and title path. The reporter computed the
 * same id with the same function; the plan numbers repeated titles (`id#2`). Any other difference
 * means reporter and engine disagree, and the check says so instead of passing under a wrong name.
 */
function idOf(plan: Plan, t: RawTest): { id: string; mismatch?: string } {
  const planned = plan.keys.get(key(t.file, t.titlePath));
  if (planned === undefined) return { id: t.id };
  if (planned === t.id || (planned.startsWith(`${t.id}#`) && /^\d+$/.test(planned.slice(t.id.length + 1))))
    return { id: planned };
  return {
    id: planned,
    mismatch: `the runner reported this check as "${t.id}" but the plan lists ${t.file} › ${t.titlePath.join(' › ')} as "${planned}": the runner's reporter and the engine are different rollgate versions; rebuild rollgate (node scripts/build.mjs) and run the gate again`,
  };
}

/** Whether a vitest test's full name matches the stage's `-t` filter (vitest joins names with spaces). */
function selectedByFilter(t: RawTest, stage: Stage): boolean {
  if (!stage.suiteFilter) return true;
  const re = new RegExp(stage.suiteFilter);
  return re.test(t.titlePath.join(' ')) || re.test(t.titlePath.join(' > '));
}

export interface RunnerOutcome {
  kind: RunnerKind;
  /** Parsed with the RawResults schema (engine/read-raw.ts), never cast from JSON. */
  raw?: RawResults;
  /** Why the runner produced nothing usable (crash, missing browser, stopped, truncated results). */
  failure?: string;
}

/**
 * Joins the plan with what runners reported. A planned check with no result is errored, never
 * silently dropped; a result nobody planned still counts.
 */
export function collect(
  plan: Plan,
  outcomes: RunnerOutcome[],
  stage: Stage,
  interrupted?: string,
): CheckResult[] {
  const byId = new Map<string, CheckResult>();
  const moduleErrors = new Map<string, string>();
  const rawById = new Map<string, RawTest>();
  for (const o of outcomes) {
    for (const m of o.raw?.moduleErrors ?? []) moduleErrors.set(m.file, m.message);
    for (const t of o.raw?.tests ?? []) {
      const { id, mismatch } = idOf(plan, t);
      const planned = plan.checks.find((c) => c.id === id);
      const s: Status = mismatch
        ? { status: 'errored', message: mismatch, code: engineCode('ROLLGATE_CHECK_ID_MISMATCH') }
        : statusOf(t);
      rawById.set(id, t);
      // A record the verdict cannot hold errors this check only; the rest of the run stands.
      const result: CheckCandidate = {
        id,
        title: planned?.title ?? checkIdentity(t.file, t.titlePath).title,
        suite: t.file,
        kind: o.kind,
        status: s.status,
        blocking: planned?.blocking ?? isBlocking(stage, id),
        durationMs: Math.max(0, Math.round(t.durationMs)),
        measurements: t.record?.measurements ?? [],
        evidence: t.record?.evidence ?? [],
        message: s.message,
        ...(s.code ? { code: s.code } : {}),
        notApplicable: s.notApplicable,
        retries: t.retries,
      };
      const checked = validCheck(result, byId.size, t.recordProblems);
      // One check, several results (a Playwright config with two projects, repeatEach): the worst
      // stands, so a later pass never hides an earlier failure.
      const earlier = byId.get(id);
      byId.set(id, earlier ? worseOf(earlier, checked) : checked);
    }
  }
  /** Why a planned check has no result, and its code: the first cause that applies. */
  const cause = (c: PlannedCheck): [string, EngineErrorCode] => {
    const outcome = outcomes.find((o) => o.kind === c.kind);
    const moduleError = moduleErrors.get(c.suite);
    if (interrupted !== undefined) return [interrupted, 'ROLLGATE_INTERRUPTED'];
    if (moduleError !== undefined) return [moduleError, 'ROLLGATE_SUITE_LOAD_FAILED'];
    if (outcome?.failure !== undefined) return [outcome.failure, 'ROLLGATE_RUNNER_FAILED'];
    if (outcome?.raw?.runErrors.length) return [outcome.raw.runErrors.join('\n'), 'ROLLGATE_RUNNER_FAILED'];
    return ['the runner finished without a result for it', 'ROLLGATE_NO_RESULT'];
  };
  const missing = (c: PlannedCheck): CheckResult => {
    const [why, code] = cause(c);
    return {
      ...c,
      status: 'errored',
      durationMs: 0,
      measurements: [],
      evidence: [],
      retries: 0,
      message: `no result: ${firstLines(why)}`,
      code,
    };
  };
  const results = plan.checks.map((c) => byId.get(c.id) ?? missing(c));
  for (const [id, r] of byId) {
    if (plan.checks.some((c) => c.id === id)) continue;
    // `vitest list` leaves out `test.skip`; a skipped test counts unless the stage's filter excluded it.
    if (r.status === 'skipped' && !selectedByFilter(rawById.get(id)!, stage)) continue;
    results.push(r);
  }
  for (const p of plan.problems) results.push(suiteProblemCheck(p));
  return results;
}

/** A suite that could not be listed or matches no test, as the errored check that holds the stage. */
export function suiteProblemCheck(p: Plan['problems'][number], message = p.message): CheckResult {
  return {
    id: `suite:${p.suite}`,
    title: `suite ${p.suite}`,
    suite: p.suite,
    kind: p.kind,
    status: 'errored',
    blocking: true,
    durationMs: 0,
    measurements: [],
    evidence: [],
    message,
    code: engineCode('ROLLGATE_SUITE_UNRUNNABLE'),
    retries: 0,
  };
}

/** Worst first: a check that ran more than once is as bad as its worst run. */
export const SEVERITY: Record<CheckResult['status'], number> = {
  errored: 5,
  failed: 4,
  flaky: 3,
  waived: 2,
  skipped: 1,
  passed: 0,
};

function worseOf<T extends CheckResult>(a: T, b: T): T {
  const [worse, other] = SEVERITY[b.status] > SEVERITY[a.status] ? [b, a] : [a, b];
  if (worse.status === other.status) return worse;
  const note = `ran more than once (several Playwright projects or repeatEach); the worst result stands (${worse.status}, others: ${other.status})`;
  return { ...worse, message: worse.message ? `${worse.message}\n${note}` : note };
}
