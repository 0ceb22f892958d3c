import type { Evidence } from '../../model/evidence.ts';
import { metricCheckId } from '../../model/metrics.ts';
import { formatLabels, isoTime } from './evaluate-metric.ts';
import type { MetricCheckRun, MetricJudgement } from './judge-metric.ts';
import { metricChartSvg } from './metric-chart.ts';
import type { TargetReading } from './read-target.ts';
import type { MetricAnswer, MetricSeries } from './types.ts';

/** The raw answers' evidence stays readable in a report: at most this many characters. */
export const ANSWER_LIMIT = 64 * 1024;
const MAX_CHART_SERIES = 6;

/** A side's series for the chart: the range it was judged on, or (an instant) one fetched for the chart. */
async function chartSeries(run: MetricCheckRun, side: TargetReading): Promise<MetricSeries[]> {
  const own = side.reading.answer.ok ? side.reading.answer.series : [];
  if (run.check.over !== 'instant') return own;
  try {
    const w = side.window;
    const a = await run.source.range(side.query, w.start, w.end, run.stepSeconds);
    // The chart only illustrates: a range that fails falls back to the instant point, whatever the status.
    if (a.ok && a.series.length > 0) return a.series;
  } catch {}
  return own;
}

/** One raw answer for the evidence: whose, which query, and the answer. */
export interface AnswerEntry {
  role: 'canary' | 'baseline';
  target: string;
  kind: 'query' | 'traffic';
  query: string;
  answer: MetricAnswer | undefined;
}

const parsed = (raw: string): unknown => {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
};

/**
 * The raw answers as one JSON body of at most ANSWER_LIMIT characters: each answer as the JSON it
 * was when all fit, else each raw body as text cut to its share (`truncated: true`).
 */
export function answersBody(entries: AnswerEntry[]): string {
  const head = ({ answer, ...e }: AnswerEntry) => ({
    ...e,
    digest: answer?.digest ?? null,
    ...(answer && !answer.ok ? { error: answer.error } : {}),
  });
  const whole = JSON.stringify(
    entries.map((e) => {
      const raw = e.answer?.raw;
      const json = raw === undefined ? undefined : parsed(raw);
      return { ...head(e), ...(json !== undefined ? { answer: json } : { raw: raw ?? null }) };
    }),
    null,
    1,
  );
  if (whole.length <= ANSWER_LIMIT) return whole;
  const cut = (budget: number) =>
    JSON.stringify(
      entries.map((e) => {
        const raw = e.answer?.raw ?? '';
        return { ...head(e), truncated: raw.length > budget, raw: raw.slice(0, budget) };
      }),
      null,
      1,
    );
  const n = Math.max(1, entries.length);
  let budget = Math.floor(ANSWER_LIMIT / n);
  let body = cut(budget);
  // Escaping lengthens a raw body inside JSON: shrink each share until the whole fits.
  while (body.length > ANSWER_LIMIT && budget > 0) {
    budget = Math.max(0, budget - Math.ceil((body.length - ANSWER_LIMIT) / n) - 16);
    body = cut(budget);
  }
  return body;
}

/**
 * The check's evidence as bodies: `metrics-<name>.svg` (the window's series, the condition
 * dashed), `metrics-<name>.json` (queries, windows, values, digests, outcome) and
 * `metrics-<name>-answer.json` (the raw answers, cut at 64 KB).
 */
export async function metricEvidence(run: MetricCheckRun, j: MetricJudgement): Promise<Evidence[]> {
  const { check } = run;
  const name = check.name;
  const charted = await Promise.all(j.sides.map((s) => chartSeries(run, s)));
  const series = j.sides.flatMap((s, i) => {
    const found = charted[i]!;
    return found.slice(0, MAX_CHART_SERIES).map((one) => ({
      label: found.length > 1 ? `${s.target} ${formatLabels(one.labels)}` : s.target,
      points: one.points,
    }));
  });
  const unit = check.baseline ? check.unit : j.spec.unit;
  const svg = metricChartSvg({
    title: `${metricCheckId(name)} on ${run.vars.target}${j.sides[1] ? ` against ${j.sides[1].target}` : ''}`,
    series,
    threshold: check.baseline
      ? undefined
      : {
          value: Number(j.spec.expected),
          label: `${j.spec.operator} ${j.spec.expected}${unit ? ` ${unit}` : ''}`,
        },
    start: Math.min(...j.sides.map((s) => s.window.start)),
    end: Math.max(...j.sides.map((s) => s.window.end)),
    unit,
  });
  const summary = {
    id: metricCheckId(name),
    outcome: j.outcome,
    status: j.status,
    code: j.code ?? null,
    message: j.message,
    condition: {
      operator: j.spec.operator,
      value: j.spec.expected,
      unit: j.spec.unit ?? null,
      baseline: check.baseline ? { mode: check.baseline.mode } : null,
    },
    over: check.over,
    stepSeconds: run.stepSeconds,
    actual: j.measurement.actual,
    samples: j.measurement.samples,
    sides: j.sides.map((s) => ({
      role: s.role,
      target: s.target,
      window: {
        start: isoTime(s.window.start),
        end: isoTime(s.window.end),
        seconds: s.window.end - s.window.start,
      },
      query: s.query,
      digest: s.reading.answer.digest ?? null,
      value: s.reading.ok ? s.reading.value : null,
      at: s.reading.ok ? isoTime(s.reading.at) : null,
      points: s.reading.points.length,
      reason: s.reading.ok ? null : s.reading.reason,
      traffic: s.traffic
        ? {
            query: s.traffic.query,
            digest: s.traffic.answer?.digest ?? null,
            count: s.traffic.ok ? s.traffic.count : null,
            needed: s.traffic.ok ? s.traffic.needed : null,
            message: s.traffic.ok ? s.traffic.message : s.traffic.reason,
          }
        : null,
    })),
  };
  const answers = j.sides.flatMap((s): AnswerEntry[] => [
    { role: s.role, target: s.target, kind: 'query', query: s.query, answer: s.reading.answer },
    ...(s.traffic
      ? [
          {
            role: s.role,
            target: s.target,
            kind: 'traffic' as const,
            query: s.traffic.query,
            answer: s.traffic.answer,
          },
        ]
      : []),
  ]);
  return [
    { name: `metrics-${name}.svg`, contentType: 'image/svg+xml', body: svg },
    { name: `metrics-${name}.json`, contentType: 'application/json', body: JSON.stringify(summary, null, 2) },
    { name: `metrics-${name}-answer.json`, contentType: 'application/json', body: answersBody(answers) },
  ];
}
