import type { Measurement } from '../../model/measurement.ts';
import { CheckFailure, ObservationError } from '../authoring/errors.ts';
import { type BudgetSpec, evaluate } from '../budget.ts';

export type OutcomeStatus = 'passed' | 'failed' | 'errored';

/**
 * What a backup check returns: a value, never a crash. `failed` = a rule was broken (corrupt,
 * incomplete, too old); `errored` = it could not be observed (server unreachable, tool missing).
 */
export interface CheckOutcome {
  ok: boolean;
  status: OutcomeStatus;
  /** Every problem found, most telling first, joined by "; " (or a summary when passed). */
  reason: string;
  measurements: Measurement[];
  durationMs: number;
  /** Facts worth showing that broke no rule. */
  notes: string[];
}

/** Collects measurements, problems and errors of one check run. */
export class OutcomeBuilder {
  readonly measurements: Measurement[] = [];
  readonly problems: string[] = [];
  readonly errors: string[] = [];
  readonly notes: string[] = [];
  private readonly started = performance.now();

  /** Records a measurement; when it did not pass, `problem` (or its description) becomes a failure. */
  measure(spec: BudgetSpec, actual: number | string | null | undefined, problem?: string, samples = 1) {
    const m = evaluate(spec, actual, samples);
    this.measurements.push(m);
    if (!m.passed)
      this.fail(
        problem ?? `${spec.name}: ${actual ?? 'no value'} (expected ${spec.operator} ${spec.expected})`,
      );
    return m;
  }

  fail(problem: string): void {
    this.problems.push(problem);
  }

  error(message: string): void {
    this.errors.push(message);
  }

  /** Sorts a thrown error: CheckFailure is a failure, anything else could not be observed. */
  catch(error: unknown): void {
    if (error instanceof CheckFailure) this.fail(error.message);
    else if (error instanceof ObservationError) this.error(error.message);
    else this.error(`unexpected error: ${(error as Error)?.message ?? String(error)}`);
  }

  get failed(): boolean {
    return this.problems.length > 0;
  }

  /** Fail closed: any problem fails, else any error errors; a pass needs at least one measurement. */
  finish(summary: string): CheckOutcome {
    const durationMs = Math.round(performance.now() - this.started);
    const base = { measurements: this.measurements, durationMs, notes: this.notes };
    if (this.problems.length > 0) {
      const also = this.errors.length > 0 ? `; also: ${this.errors.join('; ')}` : '';
      return { ...base, ok: false, status: 'failed', reason: this.problems.join('; ') + also };
    }
    if (this.errors.length > 0)
      return { ...base, ok: false, status: 'errored', reason: this.errors.join('; ') };
    if (this.measurements.length === 0) {
      return { ...base, ok: false, status: 'errored', reason: 'nothing was measured' };
    }
    return { ...base, ok: true, status: 'passed', reason: summary };
  }
}

/**
 * For runbook suites: turns an outcome into the check's status. Failed throws `CheckFailure`,
 * errored throws `ObservationError`, passed returns.
 */
export function assertOutcome(outcome: CheckOutcome): void {
  if (outcome.status === 'failed') throw new CheckFailure(outcome.reason);
  if (outcome.status === 'errored') throw new ObservationError(outcome.reason, 'ROLLGATE_BACKUP_UNOBSERVED');
}

/** Thrown into a step when the time budget ran out; the verifier reports it as a failure. */
export class BudgetExceeded extends Error {
  override name = 'BudgetExceeded';
  constructor(readonly budgetMs: number) {
    super(`time budget of ${budgetMs} ms exceeded`);
  }
}

/**
 * Runs `body` under a deadline. At the deadline the signal aborts: child processes receive it and
 * die, `abortable` promises reject. `body` runs to its end (its `finally` drops scratch databases),
 * and only then does this return. Exceeding the budget is a failure (the RTO rule was broken).
 */
export async function withBudget(
  out: OutcomeBuilder,
  budgetMs: number | undefined,
  body: (signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const controller = new AbortController();
  const started = performance.now();
  const timer =
    budgetMs === undefined
      ? undefined
      : setTimeout(() => controller.abort(new BudgetExceeded(budgetMs)), budgetMs);
  try {
    await body(controller.signal);
  } catch (error) {
    if (!controller.signal.aborted) out.catch(error);
  } finally {
    clearTimeout(timer);
  }
  if (budgetMs !== undefined) {
    const elapsed = Math.ceil(performance.now() - started);
    const stopped = controller.signal.aborted;
    const problem = `time budget exceeded: verification ${stopped ? 'stopped' : 'took'} after ${elapsed} ms, budget ${budgetMs} ms (RTO)`;
    const spec = { name: 'verify-duration', operator: '<=' as const, expected: budgetMs, unit: 'ms' };
    if (stopped) {
      // Stopped at the deadline: whatever the clock's rounding says, the verification did not
      // finish, so this never passes (nothing after the stop was checked).
      out.measurements.push({
        ...evaluate(spec, elapsed, 1),
        passed: false,
        outcome: 'fail',
        note: 'stopped at the time budget: the verification did not finish',
      });
      out.fail(problem);
    } else out.measure(spec, elapsed, problem);
  }
}

/** Rejects when `signal` aborts; the original promise's later rejection is swallowed, not unhandled. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  promise.catch(() => {});
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
