import { metricCheckTitle, runMetricCheck } from '../../checks/metrics/run-check.ts';
import type { MetricSource, MetricVars, MetricWindow } from '../../checks/metrics/types.ts';
import type { ResolvedGate } from '../../config/options.ts';
import type { CheckResult } from '../../model/check-result.ts';
import {
  type MetricCheck,
  type MetricProvider,
  metricCheckId,
  type PrometheusProvider,
  providerOf,
  scrapeIntervalOf,
} from '../../model/metrics.ts';
import { isBlocking } from '../plan.ts';
import type { LoadCounts } from '../steps/load-stage.ts';
import type { Step } from '../steps/step.ts';
import { validCheck } from '../valid-checks.ts';
import { createLoadWindow } from './load-window.ts';
import { sourceFor } from './sources.ts';
import type { StagePrometheus } from './stage-prometheus.ts';
import { type Stamp, scrapeAfter, stepFor, windowCovered } from './windows.ts';

export interface MetricsRunOptions {
  root: string;
  env: NodeJS.ProcessEnv;
  gate: ResolvedGate;
  providers: Record<string, MetricProvider>;
  /** The embedded Prometheus, started early (its first scrape comes ~5 s after start). */
  embedded?: Promise<StagePrometheus>;
  /** URLs of the stage's target and baseline by target name ('' when not started). */
  targetURLs: Record<string, string>;
  /** The run's session headers, for a json provider on the target. */
  sessionHeaders?: () => Record<string, string> | undefined;
  signal: AbortSignal;
  mask?: (s: string) => string;
}

type Resolved =
  | { ok: true; source: MetricSource; provider: MetricProvider }
  | { ok: false; error: string; code: string };

const now = () => Date.now() / 1000;

/**
 * One run's metric checks: the load window (opened right before the load's first request at a
 * fresh scrape of each target, closed at the first scrape after the load ended), the requests the
 * load sent, and the step that judges each check. Everything that goes wrong becomes an errored
 * check (HOLD), never a pass.
 */
export function createMetricsRun(o: MetricsRunOptions) {
  const { gate } = o;
  const stage = gate.stage;
  const vars: MetricVars = {
    release: gate.release,
    stage: gate.stageName,
    target: gate.targetName,
    ...(gate.baseline ? { baseline: gate.baseline.targetName } : {}),
  };
  const secrets: string[] = [];
  const resolved = new Map<string, Promise<Resolved>>();
  const resolve = (name: string, provider: MetricProvider): Promise<Resolved> => {
    let r = resolved.get(name);
    if (!r) {
      r = (async (): Promise<Resolved> => {
        let embeddedURL: string | undefined;
        if (provider.type === 'prometheus' && !provider.url) {
          const started = await o.embedded;
          if (!started)
            return {
              ok: false,
              error: 'the embedded Prometheus was not started',
              code: 'ROLLGATE_METRICS_PROVIDER',
            };
          if (!started.ok) return started;
          embeddedURL = started.server.url;
        }
        try {
          const s = sourceFor(name, provider, {
            root: o.root,
            env: o.env,
            embeddedURL,
            targetURL: o.targetURLs[gate.targetName] ?? '',
            sessionHeaders: o.sessionHeaders?.(),
          });
          secrets.push(...s.secrets);
          return { ok: true, source: s.source, provider };
        } catch (error) {
          return { ok: false, error: (error as Error).message, code: 'ROLLGATE_CONFIG' };
        }
      })();
      resolved.set(name, r);
    }
    return r;
  };

  const targetsOf = (check: MetricCheck) => {
    const base = check.baseline ? (check.baseline.target ?? gate.baseline?.targetName) : undefined;
    return [gate.targetName, ...(base ? [base] : [])];
  };
  const sent: Record<string, number> = {};
  /** Duration windows end at the first scrape at or after the step began, one per provider and target. */
  const recentEnds = new Map<string, Promise<Stamp>>();
  let stepStarted = now();
  const load = createLoadWindow({
    checks: stage.metrics,
    providers: o.providers,
    targetsOf,
    stamp: async (name, target, after) => {
      const r = await resolve(name, o.providers[name]!);
      if (!r.ok) return { ok: false, error: r.error };
      if (r.provider.type !== 'prometheus') return { ok: true, time: after };
      return scrapeAfter(r.source, r.provider, vars, target, after, o.signal);
    },
  });

  async function judge(
    check: MetricCheck,
    notRun: string | undefined,
    interrupted: boolean,
  ): Promise<CheckResult> {
    const id = metricCheckId(check.name);
    const blocking = !check.advisory && isBlocking(stage, id);
    const errored = (message: string, code?: string) =>
      validCheck({
        id,
        title: metricCheckTitle(
          check,
          gate.targetName,
          gate.baseline?.targetName,
          providerOf(check, o.providers)?.provider.type === 'json',
        ),
        suite: 'metrics',
        kind: 'metrics',
        status: 'errored',
        blocking,
        durationMs: 0,
        measurements: [],
        evidence: [],
        message: o.mask ? o.mask(message) : message,
        ...(code ? { code } : {}),
        retries: 0,
      });
    // As the built-ins: a stopped run's code is ROLLGATE_INTERRUPTED; a target that never started names itself.
    if (notRun) return errored(`not run: ${notRun}`, interrupted ? 'ROLLGATE_INTERRUPTED' : undefined);
    const chosen = providerOf(check, o.providers);
    if (!chosen) return errored('no metrics provider for this check', 'ROLLGATE_CONFIG');
    const r = await resolve(chosen.name, chosen.provider);
    if (!r.ok) return errored(r.error, r.code);
    const windows: Record<string, MetricWindow> = {};
    for (const target of targetsOf(check)) {
      let w: Awaited<ReturnType<typeof load.window>>;
      if (r.provider.type === 'json') w = { ok: true, window: { start: now(), end: now() } };
      else if (check.window === 'load') w = await load.window(chosen.name, target);
      else {
        // One end for every duration window of a target in this step: the first scrape at or after
        // the step began (waited once, so the checks of a run judge the same moment).
        const key = `${chosen.name}\u0000${target}`;
        let end = recentEnds.get(key);
        if (!end) {
          end = scrapeAfter(r.source, r.provider as PrometheusProvider, vars, target, stepStarted, o.signal);
          recentEnds.set(key, end);
        }
        const e = await end;
        w = e.ok ? { ok: true, window: { start: e.time - check.window / 1000, end: e.time } } : e;
      }
      if (!w.ok) return errored(`no data: ${w.error}`, 'ROLLGATE_NO_DATA');
      if (r.provider.type === 'prometheus' && !r.provider.url && check.window !== 'load') {
        const covered = await windowCovered(r.source, r.provider, target, w.window);
        if (!covered.ok) return errored(`no data: ${covered.error}`, 'ROLLGATE_NO_DATA');
      }
      windows[target] = w.window;
    }
    const interval = r.provider.type === 'prometheus' ? scrapeIntervalOf(r.provider) / 1000 : 1;
    const stepSeconds = stepFor(check, interval, windows[gate.targetName]!);
    return runMetricCheck({
      check,
      title: metricCheckTitle(check, gate.targetName, gate.baseline?.targetName, r.provider.type === 'json'),
      source: r.source,
      vars,
      windows,
      stepSeconds,
      loadSent: sent,
      blocking,
      ...(o.mask ? { mask: o.mask } : {}),
    });
  }

  /** The metric checks, after the load step; `notRun` (the target never started, the run stopped) errors each. */
  const step = (notRun?: string): Step<CheckResult[]> => ({
    name: 'metrics',
    run: async (ctx) => {
      load.ended();
      stepStarted = now();
      recentEnds.clear();
      const results: CheckResult[] = [];
      for (const check of stage.metrics)
        results.push(await judge(check, notRun ?? ctx.stopping.reason, Boolean(ctx.stopping.reason)));
      return results;
    },
  });

  return {
    beforeTraffic: load.beforeTraffic,
    /**
     * The load step's counts, by side. A guard of `count: 'load'` needs the answered ones: each
     * was finished by the server, while a request still in flight when the load stopped may not be.
     */
    onSent(c: LoadCounts) {
      if (c.target) sent[gate.targetName] = c.target.answered;
      if (c.baseline && gate.baseline) sent[gate.baseline.targetName] = c.baseline.answered;
    },
    step,
    /** Header values and tokens the providers read: masked in every output. */
    secrets: () => [...secrets],
  };
}
export type MetricsRun = ReturnType<typeof createMetricsRun>;
