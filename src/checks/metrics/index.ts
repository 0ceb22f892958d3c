/**
 * Metric checks on real traffic: a query's answer judged by the one budget evaluator, with a
 * min-traffic guard and a baseline form; no data never passes. What a stage calls:
 * {@link runMetricCheck}. Prometheus's HTTP client lives in ./prometheus/.
 */
export {
  baselineNote,
  baselineSide,
  baselineTargetOf,
  compareToBaseline,
  sideJudge,
} from './baseline.ts';
export {
  aggregate,
  defaultMinPoints,
  evaluateMetric,
  formatLabels,
  isoTime,
  type MetricGap,
  type MetricQuery,
  type MetricReading,
  type MetricValue,
  type PointJudge,
} from './evaluate-metric.ts';
export { answerDigest, type JsonSourceOptions, jsonSource } from './json-source.ts';
export {
  conditionOf,
  judgeMetricCheck,
  type MetricCheckRun,
  type MetricJudgement,
} from './judge-metric.ts';
export { type MetricChartInput, metricChartSvg } from './metric-chart.ts';
export { ANSWER_LIMIT, type AnswerEntry, answersBody, metricEvidence } from './metric-evidence.ts';
export { type GuardUnset, readTarget, type TargetReading } from './read-target.ts';
export { metricCheckTitle, runMetricCheck } from './run-check.ts';
export { fillQuery, promDuration } from './template.ts';
export {
  readTraffic,
  requestsNeeded,
  type TrafficNeed,
  type TrafficReading,
  trafficEstimate,
} from './traffic.ts';
export type {
  MetricAnswer,
  MetricAnswerError,
  MetricAnswerOk,
  MetricSeries,
  MetricSource,
  MetricVars,
  MetricWindow,
} from './types.ts';
