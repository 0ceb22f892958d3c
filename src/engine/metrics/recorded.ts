import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { backfillOpenMetrics } from '../../checks/metrics/prometheus/backfill.ts';
import { findPrometheus } from '../../checks/metrics/prometheus/binaries.ts';
import { prometheusSource } from '../../checks/metrics/prometheus/client.ts';
import { startPrometheus } from '../../checks/metrics/prometheus/server.ts';
import { runMetricCheck } from '../../checks/metrics/run-check.ts';
import type { MetricVars, MetricWindow } from '../../checks/metrics/types.ts';
import type { CheckResult } from '../../model/check-result.ts';
import type { MeasurementOutcome } from '../../model/measurement.ts';
import { outcomeOf } from '../../model/measurement.ts';
import type { MetricCheck, MetricTest } from '../../model/metrics.ts';
import type { Runbook } from '../../model/runbook.ts';
import { stepFor } from './windows.ts';

/** One expectation of one recorded series: what the check came out as, against what was declared. */
export interface RecordedOutcome {
  stage: string;
  series: string;
  check: string;
  expected: MeasurementOutcome;
  /** `provider-error` when the check could not even ask (a broken query). */
  got: MeasurementOutcome | 'provider-error';
  ok: boolean;
  /** The check's message: its value, or why it did not pass. */
  message: string;
  result: CheckResult;
}

/** What a check came out as, in the words `expect` uses. */
function outcomeOfResult(r: CheckResult): RecordedOutcome['got'] {
  // A query Prometheus refused is no outcome of the rule: never mistaken for an expected no-data.
  if (r.code === 'ROLLGATE_METRICS_PROVIDER') return 'provider-error';
  const m = r.measurements[0];
  if (m) return outcomeOf(m);
  if (r.code === 'ROLLGATE_INCONCLUSIVE') return 'inconclusive';
  return r.status === 'passed' ? 'pass' : r.status === 'failed' ? 'fail' : 'no-data';
}

/**
 * A recording has no load step: a guard counting what the load sent (`count: 'load'`) asks for
 * the rule of three instead (3 ÷ the rate the check judges), which the schema allows only for rates.
 */
function recordedForm(check: MetricCheck): MetricCheck {
  if (check.minTraffic?.count !== 'load') return check;
  const rate = check.value !== undefined && check.value > 0 && check.value < 1;
  const { count: _load, ...guard } = check.minTraffic;
  return rate ? { ...check, minTraffic: guard } : { ...check, minTraffic: { ...guard, count: 1 } };
}

/** The window a check judges at the series' end: `'load'` spans the whole recording. */
function windowAt(check: MetricCheck, span: { start: number; end: number }): MetricWindow {
  return check.window === 'load' ? span : { start: span.end - check.window / 1000, end: span.end };
}

/**
 * `rollgate metrics test`: each recorded series of each stage (or of `stages`) is loaded with
 * promtool into a throw-away Prometheus (nothing scraped), and the checks its `expect` names are
 * evaluated at the series' end, exactly as a gate judges them. Throws when Prometheus is missing or
 * a series cannot be loaded (a RollgateError-like code on the error).
 */
export async function testRecordedSeries(o: {
  root: string;
  env: NodeJS.ProcessEnv;
  runbook: Runbook;
  stages?: string[];
  release?: string;
  onCase?: (stage: string, test: MetricTest) => void;
}): Promise<RecordedOutcome[]> {
  const bins = findPrometheus({ root: o.root, env: o.env });
  const out: RecordedOutcome[] = [];
  const stages = o.stages ?? Object.keys(o.runbook.stages);
  for (const stageName of stages) {
    const stage = o.runbook.stages[stageName]!;
    const vars: MetricVars = {
      release: o.release ?? 'recorded',
      stage: stageName,
      target: stage.target,
      ...(stage.baseline ? { baseline: stage.baseline } : {}),
    };
    for (const test of stage.metricTests) {
      o.onCase?.(stageName, test);
      const dir = mkdtempSync(path.join(tmpdir(), 'rollgate-series-'));
      try {
        const dataDir = path.join(dir, 'data');
        const span = await backfillOpenMetrics({
          promtool: bins.promtool,
          file: path.resolve(o.root, test.series),
          dataDir,
        });
        const server = await startPrometheus({ prometheus: bins.prometheus, dataDir });
        try {
          const source = prometheusSource({ url: server.url });
          for (const [name, expected] of Object.entries(test.expect)) {
            const check = recordedForm(stage.metrics.find((m) => m.name === name)!);
            const targets = [
              stage.target,
              ...(check.baseline ? [check.baseline.target ?? stage.baseline!] : []),
            ];
            const windows = Object.fromEntries(targets.map((t) => [t, windowAt(check, span)]));
            const result = await runMetricCheck({
              check,
              source,
              vars,
              windows,
              stepSeconds: stepFor(check, 1, windows[stage.target]!),
              blocking: !check.advisory,
            });
            const got = outcomeOfResult(result);
            out.push({
              stage: stageName,
              series: test.series,
              check: name,
              expected,
              got,
              ok: got === expected,
              message: result.message ?? '',
              result,
            });
          }
        } finally {
          await server.stop();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  return out;
}
