import type { MetricAnswer, MetricSource } from '../types.ts';

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/** The last answer, in words, for the time-out message. */
function describeAnswer(a: MetricAnswer | undefined): string {
  if (!a) return 'no answer yet';
  if (!a.ok) return a.error;
  if (a.series.length !== 1) return `${a.series.length} series (one is needed)`;
  const v = a.series[0]!.points.at(-1)?.[1];
  return v !== undefined && Number.isFinite(v) ? `newest scrape at ${iso(v)}` : `value ${v ?? 'none'}`;
}

/**
 * Waits until a scrape newer than `after` (Unix seconds) is in the source: polls `query` (its value
 * is the time of the newest scrape, as `timestamp(up{rollgate_target="canary"})` gives) until one
 * series answers a finite value >= `after`, and returns that scrape's time. Polling against a
 * deadline; a time-out, a stop or only errors is `ok: false` with the last answer.
 * @example await waitForScrape(source, 'timestamp(up{rollgate_target="canary"}) and up{rollgate_target="canary"} == 1', loadEnd, { timeoutMs: 15_000 })
 */
export async function waitForScrape(
  source: MetricSource,
  query: string,
  after: number,
  o: { timeoutMs: number; signal?: AbortSignal; pollMs?: number },
): Promise<{ ok: true; time: number } | { ok: false; error: string }> {
  const pollMs = o.pollMs ?? 200;
  const deadline = Date.now() + o.timeoutMs;
  let last: MetricAnswer | undefined;
  for (;;) {
    if (o.signal?.aborted)
      return { ok: false, error: `stopped while waiting for a scrape newer than ${iso(after)} (${query})` };
    last = await source.instant(query, Date.now() / 1000);
    const value = last.ok && last.series.length === 1 ? last.series[0]!.points.at(-1)?.[1] : undefined;
    if (value !== undefined && Number.isFinite(value) && value >= after) return { ok: true, time: value };
    const left = deadline - Date.now();
    if (left <= 0) break;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.min(pollMs, left));
      function done() {
        clearTimeout(timer);
        o.signal?.removeEventListener('abort', done);
        resolve();
      }
      o.signal?.addEventListener('abort', done, { once: true });
    });
  }
  return {
    ok: false,
    error: `no scrape newer than ${iso(after)} within ${o.timeoutMs} ms from ${source.describe} (${query}); last answer: ${describeAnswer(last)}`,
  };
}
