import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { backfillOpenMetrics } from '../../checks/metrics/prometheus/backfill.ts';
import { findPrometheus } from '../../checks/metrics/prometheus/binaries.ts';
import { prometheusSource } from '../../checks/metrics/prometheus/client.ts';
import { startPrometheus } from '../../checks/metrics/prometheus/server.ts';
import { runMetricCheck } from '../../checks/metrics/run-check.ts';
import type { MetricVars } from '../../checks/metrics/types.ts';
import type { CheckResult } from '../../model/check-result.ts';
import type { MeasurementOutcome } from '../../model/measurement.ts';
import type { MetricTest } from '../../model/metrics.ts';
import type { Runbook } from '../../model/runbook.ts';
import {
  noData,
  outcomeOfResult,
  recordedForm,
  refuseJsonChecks,
  uncoveredWindow,
  windowAt,
} from './recorded-check.ts';
import { stepFor } from './windows.ts';

export { recordedForm, uncoveredWindow };

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
  /** How the check was judged differently from a gate, in words (a `minTraffic.count: 'load'` guard). */
  note?: string;
  result: CheckResult;
}

interface CaseRun {
  bins: { prometheus: string; promtool: string };
  root: string;
  env: NodeJS.ProcessEnv;
  stageName: string;
  stage: Runbook['stages'][string];
  vars: MetricVars;
  signal: AbortSignal | undefined;
  onOutcome: (outcome: RecordedOutcome) => void;
}

/** One recorded series: backfilled into its own temp folder, served, its expectations judged. */
async function runCase(c: CaseRun, test: MetricTest): Promise<void> {
  const { stage, signal } = c;
  const dir = mkdtempSync(path.join(tmpdir(), 'rollgate-series-'));
  try {
    const dataDir = path.join(dir, 'data');
    const file = path.resolve(c.root, test.series);
    const span = await backfillOpenMetrics({ promtool: c.bins.promtool, file, dataDir, signal });
    const server = await startPrometheus({ prometheus: c.bins.prometheus, dataDir, env: c.env, signal });
    try {
      const source = prometheusSource({ url: server.url, signal });
      for (const [name, expected] of Object.entries(test.expect)) {
        const { check, note } = recordedForm(stage.metrics.find((m) => m.name === name)!);
        const targets = [stage.target, ...(check.baseline ? [check.baseline.target ?? stage.baseline!] : [])];
        const windows = Object.fromEntries(targets.map((t) => [t, windowAt(check, span)]));
        const stepSeconds = stepFor(check, 1, windows[stage.target]!);
        const gap = uncoveredWindow(check, span, stepSeconds);
        const result = gap
          ? noData(check, c.vars, gap)
          : await runMetricCheck({
              check,
              source,
              vars: c.vars,
              windows,
              stepSeconds,
              blocking: !check.advisory,
            });
        // A query cut short by the stop is no outcome: nothing after it is reported.
        signal?.throwIfAborted();
        const got = outcomeOfResult(result);
        c.onOutcome({
          stage: c.stageName,
          series: test.series,
          check: name,
          expected,
          got,
          ok: got === expected,
          message: result.message ?? '',
          ...(note ? { note } : {}),
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

/**
 * `rollgate metrics test`: each recorded series of each stage (or of `stages`) is loaded with
 * promtool into a throw-away Prometheus (nothing scraped), and the checks its `expect` names are
 * evaluated at the series' end, exactly as a gate judges them. A duration window longer than the
 * recording is no data. Throws RollgateError when Prometheus is missing or not a 2.x
 * (ROLLGATE_PROMETHEUS_MISSING), a series cannot be loaded (ROLLGATE_METRICS_SERIES) or a json
 * check is expected (ROLLGATE_RUNBOOK_INVALID). `signal` is checked between cases and stops
 * promtool and Prometheus; a stopped run throws the signal's reason, whatever step it cut short.
 * Temp folders are removed whatever happens.
 */
export async function testRecordedSeries(o: {
  root: string;
  env: NodeJS.ProcessEnv;
  runbook: Runbook;
  stages?: string[];
  release?: string;
  signal?: AbortSignal;
  onCase?: (stage: string, test: MetricTest) => void;
  /** Each outcome as soon as it is known (the CLI prints as it goes). */
  onOutcome?: (outcome: RecordedOutcome) => void;
}): Promise<RecordedOutcome[]> {
  const stages = o.stages ?? Object.keys(o.runbook.stages);
  refuseJsonChecks(o.runbook, stages);
  const bins = findPrometheus({ root: o.root, env: o.env });
  const out: RecordedOutcome[] = [];
  const onOutcome = (r: RecordedOutcome) => {
    out.push(r);
    o.onOutcome?.(r);
  };
  try {
    for (const stageName of stages) {
      const stage = o.runbook.stages[stageName]!;
      const vars: MetricVars = {
        release: o.release ?? 'recorded',
        stage: stageName,
        target: stage.target,
        ...(stage.baseline ? { baseline: stage.baseline } : {}),
      };
      const run: CaseRun = {
        bins,
        root: o.root,
        env: o.env,
        stageName,
        stage,
        vars,
        signal: o.signal,
        onOutcome,
      };
      for (const test of stage.metricTests) {
        o.signal?.throwIfAborted();
        o.onCase?.(stageName, test);
        await runCase(run, test);
      }
    }
  } catch (error) {
    // Stopped: whatever the stop cut short (promtool, the start, a query) failed because of it.
    o.signal?.throwIfAborted();
    throw error;
  }
  return out;
}
