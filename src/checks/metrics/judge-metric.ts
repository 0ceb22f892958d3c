import type { CheckStatus } from '../../model/check-result.ts';
import type { Measurement, MeasurementOutcome, Operator } from '../../model/measurement.ts';
import type { MetricCheck } from '../../model/metrics.ts';
import { type BudgetSpec, describeMeasurement, evaluate } from '../budget.ts';
import { baselineNote, baselineSide, baselineTargetOf, compareToBaseline, sideJudge } from './baseline.ts';
import type { MetricGap } from './evaluate-metric.ts';
import { type GuardUnset, readTarget, type TargetReading } from './read-target.ts';
import { pointNote, trail } from './reasons.ts';
import { requestsNeeded } from './traffic.ts';
import type { MetricSource, MetricVars, MetricWindow } from './types.ts';

/** What the engine hands a metric check: its windows per target, the source, the step. */
export interface MetricCheckRun {
  check: MetricCheck;
  source: MetricSource;
  vars: MetricVars;
  /** Each target's window (exact scrape timestamps): the stage's target, and the baseline's. */
  windows: Record<string, MetricWindow>;
  stepSeconds: number;
  /** Requests the load step sent, per target (for `minTraffic.count: 'load'`). */
  loadSent?: Record<string, number>;
  blocking: boolean;
  mask?: (s: string) => string;
  /** The title the plan showed; default metricCheckTitle's (run-check.ts). */
  title?: string;
}

/** How a check came out, before it is a CheckResult. */
export interface MetricJudgement {
  outcome: MeasurementOutcome | 'provider-error';
  status: CheckStatus;
  code?: 'ROLLGATE_NO_DATA' | 'ROLLGATE_INCONCLUSIVE' | 'ROLLGATE_METRICS_PROVIDER';
  message: string;
  measurement: Measurement;
  sides: TargetReading[];
  spec: BudgetSpec;
}

/** The condition judged: the baseline comparison's, else the check's own. */
export function conditionOf(check: MetricCheck): BudgetSpec & { operator: Operator; expected: number } {
  if (check.baseline)
    return {
      name: check.name,
      operator: check.baseline.operator,
      expected: check.baseline.value,
      // A ratio of two values carries no unit; a difference keeps the values' own.
      unit: check.baseline.mode === 'ratio' ? undefined : check.unit,
    };
  if (check.operator === undefined || check.value === undefined)
    throw new Error(
      `metrics/${check.name} has no condition: give it operator and value, or a baseline comparison`,
    );
  return { name: check.name, operator: check.operator, expected: check.value, unit: check.unit };
}

const windowOf = (run: MetricCheckRun, target: string, field: string) => {
  const w = run.windows[target];
  if (!w || !Number.isFinite(w.start) || !Number.isFinite(w.end) || w.end < w.start)
    throw new Error(
      `metrics/${run.check.name}: no window was measured for ${field} ${target}, so nothing can be judged`,
    );
  return w;
};

/**
 * Reads a check's sides (the target, and the baseline in the baseline form) and judges them with
 * the one budget evaluator. A provider error, no data or too little traffic on either side is
 * never a pass; every reason that is not a pass names each query and its answer's digest.
 */
export async function judgeMetricCheck(run: MetricCheckRun): Promise<MetricJudgement> {
  const { check, vars } = run;
  const spec = conditionOf(check);
  if (!(run.stepSeconds > 0) || !Number.isFinite(run.stepSeconds))
    throw new Error(
      `metrics/${check.name}: a step of ${run.stepSeconds} seconds cannot hold points: give step a positive duration such as '15s'`,
    );
  const baselineTarget = check.baseline ? baselineTargetOf(check, vars) : undefined;
  if (check.baseline && !baselineTarget)
    throw new Error(
      `metrics/${check.name} compares against a baseline, but none is named: set baseline.target or the stage's baseline`,
    );
  const shared = { check, source: run.source, stepSeconds: run.stepSeconds };
  const need = (target: string) =>
    check.minTraffic
      ? requestsNeeded(check.minTraffic, check.value, run.loadSent?.[target], target)
      : undefined;
  const canaryVars = { ...vars, baseline: baselineTarget ?? vars.baseline };
  const reads = [
    readTarget({
      ...shared,
      role: 'canary',
      template: check.query,
      vars: canaryVars,
      window: windowOf(run, vars.target, 'the target'),
      judge: check.baseline
        ? sideJudge(check.baseline, 'canary')
        : { operator: spec.operator, value: spec.expected },
      need: need(vars.target),
    }),
  ];
  if (check.baseline && baselineTarget) {
    const side = baselineSide(check, canaryVars, baselineTarget);
    reads.push(
      readTarget({
        ...shared,
        role: 'baseline',
        template: side.template,
        vars: side.vars,
        window: windowOf(run, baselineTarget, 'the baseline target'),
        judge: sideJudge(check.baseline, 'baseline'),
        need: need(baselineTarget),
      }),
    );
  }
  const sides = await Promise.all(reads);
  const canary = sides[0]!;
  const samples = canary.traffic?.ok
    ? Math.floor(canary.traffic.count)
    : canary.reading.ok
      ? canary.reading.points.length
      : 0;
  const values = sides.map((s) => (s.reading.ok ? s.reading.value : undefined));
  const actual = values.some((v) => v === undefined)
    ? null
    : check.baseline
      ? compareToBaseline(check.baseline.mode, values[0]!, values[1]!)
      : values[0]!;
  const measured = evaluate(spec, actual, samples);
  const on = (s: TargetReading) => (s.role === 'baseline' ? ` (baseline ${s.target})` : '');
  const stop = (
    outcome: MetricJudgement['outcome'],
    code: NonNullable<MetricJudgement['code']>,
    head: string,
  ): MetricJudgement => {
    const m: Measurement = {
      ...measured,
      // Infinity (a ratio on a baseline of 0) has no place in a verdict: JSON holds none.
      actual: typeof actual === 'number' && !Number.isFinite(actual) ? null : measured.actual,
      passed: false,
      outcome: outcome === 'provider-error' ? 'no-data' : outcome,
      note: head,
    };
    return {
      outcome,
      status: 'errored',
      code,
      message: `${head}; ${trail(sides)}`,
      measurement: m,
      sides,
      spec,
    };
  };
  const gaps = sides.flatMap((s) =>
    [s.reading, s.traffic]
      .filter((r): r is MetricGap | GuardUnset => r !== undefined && !r.ok)
      .map((g) => ({ s, g })),
  );
  const provider = gaps.find(({ g }) => g.kind === 'provider');
  if (provider)
    return stop(
      'provider-error',
      'ROLLGATE_METRICS_PROVIDER',
      `the metrics provider failed${on(provider.s)}: ${provider.g.reason}`,
    );
  const guardGap = gaps.find(({ s, g }) => g === s.traffic);
  if (guardGap) return stop('no-data', 'ROLLGATE_NO_DATA', `${guardGap.g.reason}${on(guardGap.s)}`);
  const short = sides.find((s) => s.traffic?.ok && !s.traffic.enough);
  if (short?.traffic?.ok)
    return stop(
      'inconclusive',
      'ROLLGATE_INCONCLUSIVE',
      `inconclusive${on(short)}: ${short.traffic.message}`,
    );
  if (gaps[0]) return stop('no-data', 'ROLLGATE_NO_DATA', `${gaps[0].g.reason}${on(gaps[0].s)}`);
  const infinite = typeof actual === 'number' && !Number.isFinite(actual);
  const note = check.baseline
    ? `${baselineNote(values[0]!, values[1]!)}${infinite ? ': a ratio on a baseline of 0 is infinite' : ''}`
    : pointNote(check, canary);
  const m: Measurement = { ...measured, ...(note && measured.outcome !== 'no-data' ? { note } : {}) };
  if (m.outcome === 'pass')
    return {
      outcome: 'pass',
      status: 'passed',
      message: describeMeasurement(m),
      measurement: m,
      sides,
      spec,
    };
  if (m.outcome === 'fail')
    return {
      outcome: 'fail',
      status: 'failed',
      message: `${describeMeasurement(m)}; ${trail(sides)}`,
      // A verdict cannot hold Infinity (JSON has none): the infinite ratio is recorded as no
      // value, still a failure, with the note saying why.
      measurement: infinite ? { ...m, actual: null } : m,
      sides,
      spec,
    };
  // evaluate() holds back a value it has on zero samples: never a pass.
  return m.outcome === 'inconclusive'
    ? stop('inconclusive', 'ROLLGATE_INCONCLUSIVE', m.note ?? 'inconclusive')
    : stop('no-data', 'ROLLGATE_NO_DATA', m.note ?? 'no data');
}
