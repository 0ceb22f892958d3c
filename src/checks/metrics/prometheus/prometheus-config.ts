import { ObservationError } from '../../authoring/errors.ts';

export interface ScrapeTarget {
  /** Becomes the `rollgate_target` label of every series scraped from it. */
  target: string;
  /** The target's base URL; a path in it prefixes `metricsPath`. */
  url: string;
  metricsPath: string;
}

/** One scrape job of the generated configuration. */
function scrapeJob(t: ScrapeTarget, interval: string, jobName: string) {
  let url: URL;
  try {
    url = new URL(t.url);
  } catch {
    throw new ObservationError(
      `target ${t.target}: ${t.url} is not a URL Prometheus can scrape: give an absolute http(s) URL`,
      'ROLLGATE_METRICS_PROVIDER',
    );
  }
  const scheme = url.protocol.replace(/:$/, '');
  const port = url.port || (scheme === 'https' ? '443' : '80');
  const base = url.pathname.replace(/\/+$/, '');
  return {
    job_name: jobName,
    scrape_interval: interval,
    scrape_timeout: interval,
    scheme,
    metrics_path: `${base}${t.metricsPath}`,
    static_configs: [{ targets: [`${url.hostname}:${port}`], labels: { rollgate_target: t.target } }],
  };
}

/**
 * The embedded Prometheus's configuration file: one scrape job per target, each series labelled
 * `rollgate_target`. JSON is YAML, so it needs no YAML writer. scrape_timeout is the interval
 * because Prometheus refuses a timeout (default 10 s) longer than a 1 s interval. Throws
 * ObservationError ROLLGATE_METRICS_PROVIDER for a target URL that is not absolute.
 * @example prometheusConfig([{ target: 'canary', url: 'http://127.0.0.1:3000', metricsPath: '/metrics' }], 1000)
 */
export function prometheusConfig(scrape: ScrapeTarget[], intervalMs: number): string {
  const interval = `${intervalMs}ms`;
  const seen = new Map<string, number>();
  const jobs = scrape.map((t) => {
    const n = (seen.get(t.target) ?? 0) + 1;
    seen.set(t.target, n);
    return scrapeJob(t, interval, n === 1 ? t.target : `${t.target}-${n}`);
  });
  const global = { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval };
  return `${JSON.stringify({ global, scrape_configs: jobs }, null, 2)}\n`;
}
