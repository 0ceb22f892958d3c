import type { z } from 'zod';
import { type MetricCheck, type MetricProvider, type MetricTest, providerOf } from './metrics.ts';

/** Cross-field rules of providers and metric checks: each problem at its field, with the fix. */

/**
 * The check name a mistyped `word` most likely meant: the nearest by edit distance, within 2 edits
 * or a third of its length and fewer edits than it has letters. The same rule as config's
 * closest(), kept here because the model layer may not import config.
 */
function nearestName(word: string, names: readonly string[]): string | undefined {
  const distance = (a: string, b: string) => {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const row = [i];
      for (let j = 1; j <= b.length; j++)
        row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row;
    }
    return prev[b.length]!;
  };
  const limit = Math.max(2, Math.floor(word.length / 3));
  let best: { name: string; d: number } | undefined;
  for (const name of names) {
    const d = distance(word.toLowerCase(), name.toLowerCase());
    if (d <= limit && d < word.length && d < (best?.d ?? Number.POSITIVE_INFINITY)) best = { name, d };
  }
  return best?.name;
}

interface StageLike {
  target: string;
  baseline?: string;
  load?: unknown;
  metrics: MetricCheck[];
  metricTests: MetricTest[];
}

/** Cross-field rules of metric checks: provider named and known, condition present, forms that fit. */
export function addMetricIssues(
  rb: {
    providers: Record<string, MetricProvider>;
    stages: Record<string, StageLike>;
    targets: Record<string, unknown>;
  },
  ctx: z.RefinementCtx,
): void {
  const names = Object.keys(rb.providers);
  for (const [name, p] of Object.entries(rb.providers))
    if (p.type === 'prometheus' && p.url && p.scrapeInterval === undefined && !p.freshnessQuery)
      ctx.addIssue({
        code: 'custom',
        path: ['providers', name],
        message:
          "an external Prometheus needs freshnessQuery (the time of the newest scrape, e.g. 'timestamp(up{job=\"shop\"}) and up{job=\"shop\"} == 1') or scrapeInterval (how often it scrapes, e.g. '15s'), so rollgate knows when the load's end is stored",
      });
  for (const [stageName, stage] of Object.entries(rb.stages)) {
    const seen = new Set<string>();
    stage.metrics.forEach((m, i) => {
      const at = (...p: (string | number)[]) => ['stages', stageName, 'metrics', i, ...p];
      const issue = (path: (string | number)[], message: string) =>
        ctx.addIssue({ code: 'custom', path, message });
      if (seen.has(m.name))
        issue(at('name'), `"${m.name}" is used twice in this stage: metric check names must be unique`);
      seen.add(m.name);
      const chosen = providerOf(m, rb.providers);
      if (!chosen) {
        issue(
          at('provider'),
          m.provider
            ? `names provider "${m.provider}", which is not declared; declare it under providers or use one of: ${names.join(', ') || '(none)'}`
            : names.length === 0
              ? "needs a metrics provider: declare one under providers (providers: { prometheus: { type: 'prometheus' } })"
              : `several providers are declared (${names.join(', ')}): name one with provider`,
        );
        return;
      }
      const embedded = chosen.provider.type === 'prometheus' && !chosen.provider.url;
      if (!m.baseline && (m.operator === undefined || m.value === undefined))
        issue(at(), 'needs a condition: operator and value (or a baseline comparison)');
      if (m.baseline) {
        const target = m.baseline.target ?? stage.baseline;
        if (!target)
          issue(
            at('baseline', 'target'),
            "the stage has no baseline: name the baseline target here or set the stage's baseline",
          );
        else if (!rb.targets[target])
          issue(at('baseline', 'target'), `names target "${target}", which is not declared`);
        else if (embedded && target !== stage.baseline && target !== stage.target)
          issue(
            at('baseline', 'target'),
            `names target "${target}", which the embedded Prometheus does not scrape (only the stage's target "${stage.target}"${stage.baseline ? ` and baseline "${stage.baseline}"` : ''}): set the stage's baseline, or query a Prometheus that scrapes it`,
          );
      }
      // A json provider is read once, now: it has no window.
      if (m.window === 'load' && !stage.load && chosen.provider.type !== 'json')
        issue(at('window'), "is 'load', but the stage has no load step: give a duration such as '10m'");
      if (m.minTraffic?.count === 'load' && !stage.load)
        issue(
          at('minTraffic', 'count'),
          "is 'load', but the stage has no load step: give a number of requests",
        );
      if (
        m.minTraffic &&
        m.minTraffic.count === undefined &&
        !(m.value !== undefined && m.value > 0 && m.value < 1)
      )
        issue(
          at('minTraffic', 'count'),
          'is needed: the rule of three (3 ÷ value) only applies to a rate between 0 and 1',
        );
      if (chosen.provider.type === 'json') {
        if (m.over !== 'instant') issue(at('over'), "a json provider has no history: use 'instant'");
        if (m.window !== 'load')
          issue(
            at('window'),
            'a json provider is read once, when the check runs: it has no window; remove it',
          );
        if (m.baseline)
          issue(
            at('baseline'),
            'a json provider reads one endpoint: compare against a baseline on Prometheus',
          );
      }
    });
    const checks = stage.metrics.map((m) => m.name);
    stage.metricTests.forEach((t, i) => {
      for (const name of Object.keys(t.expect)) {
        if (checks.includes(name)) continue;
        const near = nearestName(name, checks);
        ctx.addIssue({
          code: 'custom',
          path: ['stages', stageName, 'metricTests', i, 'expect', name],
          message: `names no metric check of this stage; its checks: ${checks.join(', ') || '(none)'}${near ? `; did you mean '${near}'?` : ''}`,
        });
      }
    });
  }
}
