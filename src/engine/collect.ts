import { stripVTControlCharacters } from 'node:util';
import { classifyError, explainError } from '../checks/authoring/errors.ts';
import type { CheckResult, CheckStatus, PlannedCheck } from '../model/check-result.ts';
import type { RawResults, RawTest, RunnerKind } from '../model/raw-result.ts';
import type { Stage } from '../model/runbook.ts';
import { checkIdentity, matchesPattern } from './identity.ts';
import { key, type Plan } from './plan.ts';
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

function statusOf(t: RawTest): { status: CheckStatus; message?: string; notApplicable?: string } {
  switch (t.state) {
    case 'passed':
      return t.flaky
        ? { status: 'flaky', message: `passed only on retry ${t.retries}` }
        : { status: 'passed' };
    case 'skipped': {
      const reason = t.record?.notApplicable ?? t.skipNote;
      return reason?.trim()
        ? { status: 'skipped', notApplicable: reason }
        : { status: 'skipped', message: 'skipped without a declared reason (use notApplicable(reason))' };
    }
    case 'timedOut':
      return { status: 'errored', message: firstLines(explainError(t.errors[0]?.message ?? 'timed out')) };
    case 'interrupted':
      return { status: 'errored', message: 'interrupted before it finished' };
    case 'failed': {
      const first = t.errors[0] ?? { message: 'failed without an error message' };
      return { status: classifyError(first), message: firstLines(explainError(first.message)) };
    }
  }
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
      const id = plan.keys.get(key(t.file, t.titlePath)) ?? checkIdentity(t.file, t.titlePath).id;
      const planned = plan.checks.find((c) => c.id === id);
      const s = statusOf(t);
      rawById.set(id, t);
      // A record the verdict cannot hold errors this check only; the rest of the run stands.
      const result: CheckCandidate = {
        id,
        title: planned?.title ?? checkIdentity(t.file, t.titlePath).title,
        suite: t.file,
        kind: o.kind,
        status: s.status,
        blocking: planned?.blocking ?? !stage.advisory.some((p) => matchesPattern(id, p)),
        durationMs: Math.max(0, Math.round(t.durationMs)),
        measurements: t.record?.measurements ?? [],
        evidence: t.record?.evidence ?? [],
        message: s.message,
        notApplicable: s.notApplicable,
        retries: t.retries,
      };
      byId.set(id, validCheck(result, byId.size, t.recordProblems));
    }
  }
  const missing = (c: PlannedCheck): CheckResult => {
    const outcome = outcomes.find((o) => o.kind === c.kind);
    const why =
      interrupted ??
      moduleErrors.get(c.suite) ??
      outcome?.failure ??
      (outcome?.raw?.runErrors.length
        ? outcome.raw.runErrors.join('\n')
        : 'the runner finished without a result for it');
    return {
      ...c,
      status: 'errored',
      durationMs: 0,
      measurements: [],
      evidence: [],
      retries: 0,
      message: `no result: ${firstLines(why)}`,
    };
  };
  const results = plan.checks.map((c) => byId.get(c.id) ?? missing(c));
  for (const [id, r] of byId) {
    if (plan.checks.some((c) => c.id === id)) continue;
    // `vitest list` leaves out `test.skip`; a skipped test counts unless the stage's filter excluded it.
    if (r.status === 'skipped' && !selectedByFilter(rawById.get(id)!, stage)) continue;
    results.push(r);
  }
  for (const p of plan.problems) {
    results.push({
      id: `suite:${p.suite}`,
      title: `suite ${p.suite}`,
      suite: p.suite,
      kind: p.kind,
      status: 'errored',
      blocking: true,
      durationMs: 0,
      measurements: [],
      evidence: [],
      message: p.message,
      retries: 0,
    });
  }
  return results;
}
