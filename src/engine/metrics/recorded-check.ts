import { metricCheckTitle } from '../../checks/metrics/run-check.ts';
import { requestsNeeded } from '../../checks/metrics/traffic.ts';
import type { MetricVars, MetricWindow } from '../../checks/metrics/types.ts';
import { RollgateError } from '../../config/errors.ts';
import type { CheckResult } from '../../model/check-result.ts';
import { formatDuration } from '../../model/governance.ts';
import { type MeasurementOutcome, outcomeOf } from '../../model/measurement.ts';
import { type MetricCheck, metricCheckId, providerOf } from '../../model/metrics.ts';
import type { Runbook } from '../../model/runbook.ts';

/** How one metric check is judged on a recorded series rather than in a gate (`rollgate metrics test`). */

/** A recording's samples: first and last time (Unix seconds) and its sample interval (seconds). */
export type Span = { start: number; end: number; interval: number };

/** What a check came out as, in the words `expect` uses. */
export function outcomeOfResult(r: CheckResult): MeasurementOutcome | 'provider-error' {
  // A query Prometheus refused is no outcome of the rule: never mistaken for an expected no-data.
  if (r.code === 'ROLLGATE_METRICS_PROVIDER') return 'provider-error';
  const m = r.measurements[0];
  if (m) return outcomeOf(m);
  if (r.code === 'ROLLGATE_INCONCLUSIVE') return 'inconclusive';
  return r.status === 'passed' ? 'pass' : r.status === 'failed' ? 'fail' : 'no-data';
}

/**
 * A recording has no load step: a guard counting what the load sent (`count: 'load'`) asks for
 * the rule of three instead (3 ÷ the rate the check judges), or at least one request when the
 * check judges no rate; the note says which, so the outcome is not read as the gate's.
 */
export function recordedForm(check: MetricCheck): { check: MetricCheck; note?: string } {
  if (check.minTraffic?.count !== 'load') return { check };
  const { count: _load, ...guard } = check.minTraffic;
  const need = requestsNeeded(guard, check.value, undefined, 'the recording');
  const why = "minTraffic.count 'load' has no load step on a recording: judged with";
  if ('needed' in need)
    return {
      check: { ...check, minTraffic: guard },
      note: `${why} the rule of three, ${need.needed} requests`,
    };
  return { check: { ...check, minTraffic: { ...guard, count: 1 } }, note: `${why} at least 1 request` };
}

/** The window a check judges at the series' end: `'load'` spans the whole recording. */
export function windowAt(check: MetricCheck, span: Span): MetricWindow {
  return check.window === 'load' ? span : { start: span.end - check.window / 1000, end: span.end };
}

/**
 * Why a duration window longer than the recording has no data: it starts before the first sample
 * by more than one step (the check's or the recording's sample interval, the longer), and a
 * check judged on the part that exists would pass or fail on less than it asks for.
 */
export function uncoveredWindow(check: MetricCheck, span: Span, stepSeconds: number): string | undefined {
  if (check.window === 'load') return undefined;
  const window = windowAt(check, span);
  if (window.start >= span.start - Math.max(stepSeconds, span.interval)) return undefined;
  const covered = formatDuration((span.end - span.start) * 1000);
  const missing = formatDuration((span.start - window.start) * 1000);
  return `no data: the recording covers ${covered} of the ${formatDuration(check.window)} window (its first sample is ${missing} after the window's start); a check is never judged on part of its window: record at least ${formatDuration(check.window)} of series, or shorten the check's window`;
}

/** The check as no data, never run: its window is not in the recording. */
export function noData(check: MetricCheck, vars: MetricVars, message: string): CheckResult {
  return {
    id: metricCheckId(check.name),
    title: metricCheckTitle(check, vars.target, vars.baseline),
    suite: 'metrics',
    kind: 'metrics',
    status: 'errored',
    code: 'ROLLGATE_NO_DATA',
    blocking: !check.advisory,
    durationMs: 0,
    measurements: [],
    evidence: [],
    message,
    retries: 0,
  };
}

/**
 * Refuses an expectation on a check of a json provider before anything starts: a JSON endpoint is
 * read once, now, and keeps no history a recording could stand in for.
 */
export function refuseJsonChecks(runbook: Runbook, stages: string[]): void {
  for (const stageName of stages)
    runbook.stages[stageName]!.metricTests.forEach((test, i) => {
      for (const name of Object.keys(test.expect)) {
        const check = runbook.stages[stageName]!.metrics.find((m) => m.name === name);
        const chosen = check && providerOf(check, runbook.providers);
        if (chosen?.provider.type === 'json')
          throw new RollgateError(
            'ROLLGATE_RUNBOOK_INVALID',
            `stages.${stageName}.metricTests.${i}.expect.${name}: check "${name}" of stage "${stageName}" reads the json provider "${chosen.name}", which has no history a recorded series can stand in for; remove "${name}" from this expect (a json check is judged only in a gate)`,
          );
      }
    });
}
