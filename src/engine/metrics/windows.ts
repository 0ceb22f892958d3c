import { setTimeout as delay } from 'node:timers/promises';
import { waitForScrape } from '../../checks/metrics/prometheus/freshness.ts';
import { fillQuery } from '../../checks/metrics/template.ts';
import type { MetricSource, MetricVars, MetricWindow } from '../../checks/metrics/types.ts';
import { type PrometheusProvider, scrapeIntervalOf } from '../../model/metrics.ts';

/**
 * The newest-scrape query of a provider (`{target}` to fill), or none: then two scrape intervals
 * are waited. Successful scrapes only: a failed one is stored too, with up = 0. Not
 * `timestamp(up == 1)`: timestamp() of anything but a selector is the evaluation time, not the
 * scrape's; `and` keeps the selector's own sample time.
 */
export const freshnessQueryOf = (p: PrometheusProvider): string | undefined =>
  p.freshnessQuery ??
  (p.url ? undefined : 'timestamp(up{rollgate_target="{target}"}) and up{rollgate_target="{target}"} == 1');

/** How long to wait for a scrape: the embedded server's first one comes ~5 s after it starts. */
const scrapeTimeoutMs = (p: PrometheusProvider) => 15_000 + 3 * scrapeIntervalOf(p);

export type Stamp = { ok: true; time: number } | { ok: false; error: string };

/**
 * The time of the first scrape of `target` at or after `after` (Unix seconds): read from the
 * provider's freshness query, or, without one, `after` plus two scrape intervals, waited out.
 */
export async function scrapeAfter(
  source: MetricSource,
  provider: PrometheusProvider,
  vars: MetricVars,
  target: string,
  after: number,
  signal: AbortSignal,
): Promise<Stamp> {
  const query = freshnessQueryOf(provider);
  if (!query) {
    await delay(2 * scrapeIntervalOf(provider), undefined, { signal }).catch(() => {});
    return { ok: true, time: after + (2 * scrapeIntervalOf(provider)) / 1000 };
  }
  return waitForScrape(source, fillQuery(query, { ...vars, target }), after, {
    timeoutMs: scrapeTimeoutMs(provider),
    signal,
  });
}

/**
 * A range's step: the check's own, else the scrape interval, widened so a window never asks for
 * more than 1,000 points (Prometheus refuses ranges past 11,000).
 */
export function stepFor(check: { step?: number }, intervalSeconds: number, window: MetricWindow): number {
  if (check.step) return check.step / 1000;
  return Math.max(intervalSeconds, Math.ceil((window.end - window.start) / 1000));
}

/**
 * Whether the embedded Prometheus holds scrapes of `target` over most (80%) of a duration window:
 * it holds only what it scraped since it started (with the run, or the watch series), and an
 * instant query such as `max_over_time(x[1h])` would otherwise judge minutes as if they were the hour.
 */
export async function windowCovered(
  source: MetricSource,
  provider: PrometheusProvider,
  target: string,
  window: MetricWindow,
): Promise<{ ok: true } | { ok: false; error: string }> {
  const ms = Math.round((window.end - window.start) * 1000);
  const needed = Math.floor((0.8 * ms) / scrapeIntervalOf(provider));
  // Successful scrapes: up is 1 for each, 0 for a failed one.
  const query = `sum_over_time(up{rollgate_target="${target}"}[${ms}ms])`;
  const a = await source.instant(query, window.end);
  const held = a.ok ? (a.series[0]?.points.at(-1)?.[1] ?? 0) : undefined;
  if (held === undefined)
    return {
      ok: false,
      error: `cannot tell how much of the window is stored (${query}): ${a.ok ? '' : a.error}`,
    };
  if (held >= needed) return { ok: true };
  const heldSeconds = Math.round((held * scrapeIntervalOf(provider)) / 1000);
  return {
    ok: false,
    error: `the embedded Prometheus holds ${heldSeconds} s of scrapes of "${target}" in the ${Math.round(ms / 1000)} s window (${held} of the ${needed} needed): it keeps only what it scraped since it started, so the check has no data until the window is filled`,
  };
}
