import { createCheckApi } from '../../checks/authoring/check-api.ts';
import { CheckFailure, ObservationError } from '../../checks/authoring/errors.ts';
import { emptyRecord } from '../../checks/authoring/record.ts';
import type { TargetContext } from '../../checks/authoring/target-context.ts';
import { type BuiltinCheck, type BuiltinRun, builtinChecks } from '../../checks/builtin/index.ts';
import { report } from '../../checks/probes/assessment.ts';
import type { CheckResult } from '../../model/check-result.ts';
import type { CheckRecord, RawError, RawTest } from '../../model/raw-result.ts';
import { statusOf } from '../collect.ts';
import { isBlocking } from '../plan.ts';
import { validCheck } from '../valid-checks.ts';
import type { Step, StepContext } from './step.ts';

/** Time one built-in check may take (each attempt), unless the step is given another. */
export const BUILTIN_TIMEOUT_MS = 30_000;

/** The suite built-in checks are reported under. */
export const BUILTIN_SUITE = 'built-in';

type Attempt = Pick<RawTest, 'state' | 'errors'> & { record: CheckRecord };

class NotApplicable extends Error {}

/** A thrown error as a runner would report it: its name (failed or errored), message and code. */
function rawError(error: unknown): RawError {
  const e = error as { name?: string; message?: string; code?: unknown };
  const code = error instanceof ObservationError && typeof e.code === 'string' ? { code: e.code } : {};
  return { name: e.name ?? 'Error', message: e.message ?? String(error), ...code };
}

/** One run of one built-in under its time limit, its assessment reported as a suite's check would be. */
async function attempt(
  check: BuiltinCheck,
  context: TargetContext,
  run: BuiltinRun,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Attempt> {
  const record = emptyRecord();
  if (signal.aborted) return { state: 'interrupted', errors: [], record };
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const stopped = new Promise<'stopped'>((resolve) => {
    onAbort = () => resolve('stopped');
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const first = await Promise.race([
      check.run(context.target, run).then((a) => ({ a })),
      timedOut,
      stopped,
    ]);
    if (first === 'timeout')
      return {
        state: 'timedOut',
        errors: [{ message: `no result within ${timeoutMs} ms (the built-in check's time limit)` }],
        record,
      };
    if (first === 'stopped') return { state: 'interrupted', errors: [], record };
    const api = createCheckApi(record);
    try {
      report(
        {
          ...api,
          notApplicable: (reason) => {
            record.notApplicable = reason;
            throw new NotApplicable(reason);
          },
        },
        first.a,
      );
    } catch (error) {
      // The check's own words where it has better ones than the rule list (the secret scan's findings).
      if (error instanceof CheckFailure && first.a.message) throw new CheckFailure(first.a.message);
      throw error;
    }
    return { state: 'passed', errors: [], record };
  } catch (error) {
    if (error instanceof NotApplicable) return { state: 'skipped', errors: [], record };
    return { state: 'failed', errors: [rawError(error)], record };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort!);
  }
}

/**
 * One built-in as a check: attempted up to `retries + 1` times (a pass on retry is flaky), its
 * status, message and code decided as a runner's result is (collect.ts), blocking unless the
 * stage's `advisory` names it, and validated for the verdict like every check. `embedded`: the
 * target is an app this run (or its watch series) started ({@link BuiltinRun.embedded}).
 */
export async function runBuiltin(
  check: BuiltinCheck,
  context: TargetContext,
  ctx: Pick<StepContext, 'gate' | 'env' | 'root' | 'stopping'>,
  timeoutMs = BUILTIN_TIMEOUT_MS,
  embedded = false,
): Promise<CheckResult> {
  const stage = ctx.gate.stage;
  const started = performance.now();
  const base = {
    id: check.id,
    title: check.title,
    suite: BUILTIN_SUITE,
    kind: 'builtin' as const,
    blocking: isBlocking(stage, check.id),
  };
  if (check.mutates && !context.target.allowMutations) {
    return validCheck({
      ...base,
      status: 'skipped',
      durationMs: 0,
      measurements: [],
      evidence: [],
      notApplicable:
        'changes data on the target, and target does not allow mutating checks (allowMutations: false)',
      retries: 0,
    });
  }
  const run: BuiltinRun = {
    baseURL: context.baseURL,
    release: context.release,
    env: ctx.env,
    root: ctx.root,
    embedded,
    ...(context.sessionFile ? { sessionFile: context.sessionFile } : {}),
  };
  let last: Attempt | undefined;
  let tries = 0;
  while (tries <= stage.retries) {
    last = await attempt(check, context, run, timeoutMs, ctx.stopping.signal);
    tries += 1;
    if (last.state === 'passed' || last.state === 'skipped' || last.state === 'interrupted') break;
  }
  const retries = tries - 1;
  const s = statusOf({ ...last!, flaky: last!.state === 'passed' && retries > 0, retries });
  return validCheck({
    ...base,
    status: s.status,
    durationMs: Math.round(performance.now() - started),
    measurements: last!.record.measurements,
    evidence: last!.record.evidence,
    ...(s.message ? { message: s.message } : {}),
    ...(s.code ? { code: s.code } : {}),
    ...(s.notApplicable ? { notApplicable: s.notApplicable } : {}),
    retries,
  });
}

/**
 * Runs the stage's built-in checks (`stage.checks`) in the engine, in order, against the target's
 * declarations; `notRun` (the target never started, the run stopped) errors each one instead.
 * `embedded`: rollgate started the target (an embedded app); by default it did not.
 */
export const builtinStep = (
  context: TargetContext,
  notRun?: string,
  options: { timeoutMs?: number; embedded?: boolean } = {},
): Step<CheckResult[]> => ({
  name: 'built-in checks',
  run: async (ctx) => {
    const checks = builtinChecks(ctx.gate.stage.checks, context.target);
    const results: CheckResult[] = [];
    for (const check of checks) {
      const why = notRun ?? ctx.stopping.reason;
      if (why) {
        results.push(
          validCheck({
            id: check.id,
            title: check.title,
            suite: BUILTIN_SUITE,
            kind: 'builtin',
            status: 'errored',
            blocking: isBlocking(ctx.gate.stage, check.id),
            durationMs: 0,
            measurements: [],
            evidence: [],
            message: `not run: ${why}`,
            ...(ctx.stopping.reason ? { code: 'ROLLGATE_INTERRUPTED' } : {}),
            retries: 0,
          }),
        );
        continue;
      }
      results.push(await runBuiltin(check, context, ctx, options.timeoutMs, options.embedded));
    }
    return results;
  },
});
