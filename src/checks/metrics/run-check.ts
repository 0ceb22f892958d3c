import type { CheckResult } from '../../model/check-result.ts';
import type { Evidence } from '../../model/evidence.ts';
import { formatDuration } from '../../model/governance.ts';
import { type MetricCheck, metricCheckId } from '../../model/metrics.ts';
import { judgeMetricCheck, type MetricCheckRun } from './judge-metric.ts';
import { metricEvidence } from './metric-evidence.ts';

const OVER: Record<MetricCheck['over'], string> = {
  instant: 'over',
  last: 'at the end of',
  avg: 'on average over',
  max: 'at its highest over',
  all: 'at every point of',
  any: 'at some point of',
};

/**
 * A metric check's title in words, when it gives none:
 * `error-ratio < 0.005 over the load window on canary`,
 * `p95-latency canary ÷ baseline <= 1.5 over the last 10m on canary against stable`.
 */
export function metricCheckTitle(
  check: MetricCheck,
  target: string,
  baselineTarget?: string,
  /** A json provider's value is read once, now: no window. */
  readOnce = false,
): string {
  if (check.title) return check.title;
  if (readOnce)
    return `${check.name} ${check.operator ?? '?'} ${check.value ?? '?'}${check.unit ? ` ${check.unit}` : ''} read from ${target}`;
  const window = check.window === 'load' ? 'the load window' : `the last ${formatDuration(check.window)}`;
  const unit = check.unit ? ` ${check.unit}` : '';
  const b = check.baseline;
  const rule = b
    ? `${check.name} ${b.mode === 'ratio' ? 'canary ÷ baseline' : 'canary − baseline'} ${b.operator} ${b.value}${b.mode === 'ratio' ? '' : unit}`
    : `${check.name} ${check.operator ?? '?'} ${check.value ?? '?'}${unit}`;
  const against = b ? ` against ${b.target ?? baselineTarget ?? 'the baseline'}` : '';
  return `${rule} ${OVER[check.over]} ${window} on ${target}${against}`;
}

/**
 * Runs one metric check (`metrics/<name>`) on its windows and turns it into a CheckResult: passed,
 * failed, or errored (no data, too little traffic, a provider error: ROLLGATE_NO_DATA,
 * ROLLGATE_INCONCLUSIVE, ROLLGATE_METRICS_PROVIDER), with its chart, summary and raw answers as
 * evidence. Never throws: anything unexpected is errored with its message. `mask` is applied to
 * every message and evidence body.
 */
export async function runMetricCheck(run: MetricCheckRun): Promise<CheckResult> {
  const started = performance.now();
  const mask = run.mask ?? ((s: string) => s);
  const { check } = run;
  const base = {
    id: metricCheckId(check.name),
    title: mask(run.title ?? metricCheckTitle(check, run.vars.target, run.vars.baseline)),
    suite: 'metrics',
    kind: 'metrics' as const,
    blocking: run.blocking,
    retries: 0,
  };
  const took = () => Math.max(0, Math.round(performance.now() - started));
  try {
    const j = await judgeMetricCheck(run);
    let evidence: Evidence[] = [];
    try {
      evidence = (await metricEvidence(run, j)).map((e) => ({ ...e, body: mask(e.body ?? '') }));
    } catch {
      // Evidence illustrates a judgement already made: failing to draw it never changes the status.
    }
    // An advisory check keeps its status; its message says it holds nothing back.
    const advisory = !run.blocking && j.status !== 'passed' ? 'advisory, not met: ' : '';
    return {
      ...base,
      status: j.status,
      ...(j.code ? { code: j.code } : {}),
      message: mask(`${advisory}${j.message}`),
      measurements: [{ ...j.measurement, ...(j.measurement.note ? { note: mask(j.measurement.note) } : {}) }],
      evidence,
      durationMs: took(),
    };
  } catch (error) {
    return {
      ...base,
      status: 'errored',
      code: 'ROLLGATE_OBSERVATION_FAILED',
      message: mask(`${base.id}: ${(error as Error)?.message ?? String(error)}`),
      measurements: [],
      evidence: [],
      durationMs: took(),
    };
  }
}
