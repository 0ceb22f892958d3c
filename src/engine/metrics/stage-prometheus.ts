import { findPrometheus } from '../../checks/metrics/prometheus/binaries.ts';
import { type EmbeddedPrometheus, startPrometheus } from '../../checks/metrics/prometheus/server.ts';
import {
  type MetricProvider,
  type PrometheusProvider,
  providerOf,
  scrapeIntervalOf,
} from '../../model/metrics.ts';
import type { Stage } from '../../model/runbook.ts';
import type { ChildSet } from '../children.ts';

/** The embedded Prometheus provider the stage's metric checks use (a prometheus provider without url), if any. */
export function embeddedProviderOf(
  stage: Pick<Stage, 'metrics'>,
  providers: Record<string, MetricProvider>,
): PrometheusProvider | undefined {
  for (const check of stage.metrics) {
    const p = providerOf(check, providers)?.provider;
    if (p?.type === 'prometheus' && !p.url) return p;
  }
  return undefined;
}

/** A started embedded Prometheus, or why there is none (every check on it is then errored). */
export type StagePrometheus =
  | { ok: true; server: Pick<EmbeddedPrometheus, 'url'> }
  | { ok: false; error: string; code: string };

/**
 * Starts the throw-away Prometheus of a stage whose checks use the embedded provider: on a free
 * loopback port, scraping each target (the stage's and its baseline) at the provider's metricsPath
 * every scrapeInterval, each series labelled `rollgate_target`. Its process lives in the run's
 * child set (stopped with everything else); `defer` removes its data. Never throws.
 */
export async function startStagePrometheus(
  provider: PrometheusProvider,
  o: {
    root: string;
    env: NodeJS.ProcessEnv;
    targets: { target: string; url: string }[];
    children: ChildSet;
    signal: AbortSignal;
    defer: (name: string, release: () => unknown) => void;
  },
): Promise<StagePrometheus> {
  try {
    const bins = findPrometheus({ root: o.root, env: o.env });
    const server = await startPrometheus({
      prometheus: bins.prometheus,
      scrape: o.targets.filter((t) => t.url).map((t) => ({ ...t, metricsPath: provider.metricsPath })),
      scrapeIntervalMs: scrapeIntervalOf(provider),
      env: o.env,
      spawn: (cmd, args, opts) =>
        o.children.spawn(cmd, args, { env: opts.env ?? o.env, cwd: opts.cwd ?? o.root }),
      signal: o.signal,
    });
    o.defer('stop the embedded Prometheus', () => server.stop());
    return { ok: true, server };
  } catch (error) {
    const code = (error as { code?: string }).code;
    return {
      ok: false,
      error: `embedded Prometheus: ${(error as Error).message}`,
      code: code === 'ROLLGATE_PROMETHEUS_MISSING' ? code : 'ROLLGATE_METRICS_PROVIDER',
    };
  }
}
