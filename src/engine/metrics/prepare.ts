import { readSession, sessionHeaders } from '../../checks/auth/session.ts';
import type { ResolvedGate } from '../../config/options.ts';
import type { MetricProvider } from '../../model/metrics.ts';
import type { ChildSet } from '../children.ts';
import { createMetricsRun, type MetricsRun } from './metrics-run.ts';
import { embeddedProviderOf, type StagePrometheus, startStagePrometheus } from './stage-prometheus.ts';

/** The stage's target and baseline by name, with the URLs they run at. */
export function stageTargetURLs(
  gate: ResolvedGate,
  baseURL: string,
  baselineURL?: string,
): Record<string, string> {
  return {
    [gate.targetName]: baseURL,
    ...(gate.baseline ? { [gate.baseline.targetName]: baselineURL ?? '' } : {}),
  };
}

/** What both need from the run: the project, its environment, the targets' URLs by name, its stop signal. */
interface MetricsHost {
  root: string;
  env: NodeJS.ProcessEnv;
  urls: Record<string, string>;
  signal: AbortSignal;
}

/**
 * Starts the embedded Prometheus for a stage whose metric checks use it, right after the targets
 * are up (its first scrape takes ~5 s: started now, it is ready long before the load step).
 * Undefined when the stage needs none or nothing is there to scrape.
 */
export function startMetricsServer(
  gate: ResolvedGate,
  providers: Record<string, MetricProvider>,
  o: MetricsHost & { children: ChildSet; defer: (name: string, release: () => unknown) => void },
): Promise<StagePrometheus> | undefined {
  const provider = embeddedProviderOf(gate.stage, providers);
  if (!provider) return undefined;
  return startStagePrometheus(provider, {
    root: o.root,
    env: o.env,
    targets: Object.entries(o.urls).map(([target, url]) => ({ target, url })),
    children: o.children,
    signal: o.signal,
    defer: o.defer,
  });
}

/** The run's metric checks, or undefined when the stage declares none. */
export function prepareMetrics(
  gate: ResolvedGate,
  providers: Record<string, MetricProvider>,
  o: MetricsHost & { embedded?: Promise<StagePrometheus>; sessionFile?: string },
): MetricsRun | undefined {
  if (!gate.stage.metrics.length) return undefined;
  return createMetricsRun({
    root: o.root,
    env: o.env,
    gate,
    providers,
    embedded: o.embedded,
    targetURLs: o.urls,
    sessionHeaders: () => (o.sessionFile ? sessionHeaders(readSession(o.sessionFile)) : undefined),
    signal: o.signal,
  });
}
