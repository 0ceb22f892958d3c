/**
 * `npx tsx runbooks/terp/make-series.ts [--out <dir>]`: writes the recorded series the TERP
 * runbook's rollback criteria are proven on (`runbooks/terp/series/*.om` by default), with
 * `rollgate metrics test --stage verify`. Deterministic: the same files on every run.
 *
 * Each file is 15 minutes of both sides of the `verify` stage as the embedded Prometheus labels
 * them: the new release (`rollgate_target="release"`) and the previous one (`"previous"`), one
 * sample a minute, ~20 requests a second each: the request counter by status (200 and 500)
 * (`errors-*`), or the latency histogram with the demo's buckets (`latency-*`). OpenMetrics for
 * `promtool tsdb create-blocks-from openmetrics`: timestamps in seconds, `# EOF` at the end.
 *
 * The step (60 s), the seeded generator, the label format, the writer and the command line are
 * scripts/make-series.ts's; the start is TERP's own.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { labelText, random, STEP_SECONDS, seriesCommand } from '../../scripts/make-series.ts';

/** 2026-11-03T03:00:00Z (22:00 in New York, a Tuesday): a fixed date in the past of every run. */
export const SERIES_START = Date.UTC(2026, 10, 3, 3) / 1000;
const MINUTES = 15;
const REQUESTS_PER_MINUTE = 1200;

/** The demo's latency buckets (demo/metrics.ts), in seconds. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1, 2.5, 5, 10];

type Side = 'release' | 'previous';
const ROLE: Record<Side, string> = { release: 'canary', previous: 'baseline' };

interface SideSpec {
  /** Share of requests answered 500. */
  errorRatio: number;
  /** Median latency in seconds; latencies are log-normal around it (p95 ≈ 2.28 × median). */
  medianSeconds: number;
  /** Requests a minute, ±5%; default 1,200 (~20 a second). */
  requestsPerMinute?: number;
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  values: number[];
}

/** One side's counter and histogram over the recording, cumulative from 0. */
function side(target: Side, spec: SideSpec, seed: number): { counters: Sample[]; histogram: Sample[] } {
  const next = random(seed);
  const base = { rollgate_target: target, role: ROLE[target] };
  const route = { method: 'GET', route: '/estimates' };
  const ok = [0];
  const failed = [0];
  const buckets = BUCKETS.map(() => [0]);
  const inf = [0];
  const sum = [0];
  let carried = 0;
  for (let minute = 1; minute <= MINUTES; minute++) {
    const total = Math.round((spec.requestsPerMinute ?? REQUESTS_PER_MINUTE) * (1 + (next() - 0.5) * 0.1));
    const owed = carried + total * spec.errorRatio;
    const errors = Math.floor(owed);
    carried = owed - errors;
    ok.push(ok.at(-1)! + total - errors);
    failed.push(failed.at(-1)! + errors);
    const counts = BUCKETS.map(() => 0);
    let seconds = 0;
    for (let r = 0; r < total; r++) {
      // Box-Muller: a standard normal from two uniforms; σ = 0.5 in log space.
      const z = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
      const latency = spec.medianSeconds * Math.exp(0.5 * z);
      seconds += latency;
      BUCKETS.forEach((le, i) => {
        if (latency <= le) counts[i]!++;
      });
    }
    counts.forEach((c, i) => {
      buckets[i]!.push(buckets[i]!.at(-1)! + c);
    });
    inf.push(inf.at(-1)! + total);
    sum.push(Math.round((sum.at(-1)! + seconds) * 1000) / 1000);
  }
  const labelsFor = (extra: Record<string, string>) => ({ ...base, ...route, ...extra });
  return {
    counters: [
      { name: 'http_requests_total', labels: labelsFor({ status: '200' }), values: ok },
      { name: 'http_requests_total', labels: labelsFor({ status: '500' }), values: failed },
    ],
    histogram: [
      ...BUCKETS.map((le, i) => ({
        name: 'http_request_duration_seconds_bucket',
        labels: labelsFor({ status: '200', le: String(le) }),
        values: buckets[i]!,
      })),
      {
        name: 'http_request_duration_seconds_bucket',
        labels: labelsFor({ status: '200', le: '+Inf' }),
        values: inf,
      },
      { name: 'http_request_duration_seconds_count', labels: labelsFor({ status: '200' }), values: inf },
      { name: 'http_request_duration_seconds_sum', labels: labelsFor({ status: '200' }), values: sum },
    ],
  };
}

/** Both sides' counters (`errors`) or histograms (`latency`) as OpenMetrics text, then `# EOF`. */
function render(family: 'errors' | 'latency', release: SideSpec, previous: SideSpec, seed: number): string {
  const sides = [side('release', release, seed), side('previous', previous, seed + 1)];
  const lines =
    family === 'errors'
      ? [
          '# HELP http_requests HTTP requests answered, by method, route pattern and status code',
          '# TYPE http_requests counter',
        ]
      : [
          '# HELP http_request_duration_seconds Time from request received to response finished',
          '# TYPE http_request_duration_seconds histogram',
        ];
  for (const s of sides)
    for (const sample of family === 'errors' ? s.counters : s.histogram)
      sample.values.forEach((v, i) => {
        lines.push(`${sample.name}{${labelText(sample.labels)}} ${v} ${SERIES_START + i * STEP_SECONDS}`);
      });
  return `${lines.join('\n')}\n# EOF\n`;
}

/** The previous release as it ran: 0.3% of requests 500, p95 ≈ 250 ms. */
const PREVIOUS: SideSpec = { errorRatio: 0.003, medianSeconds: 0.11 };

/** Every recorded series: file name → OpenMetrics text. */
export function renderSeries(): Map<string, string> {
  return new Map([
    ['errors-normal.om', render('errors', { errorRatio: 0.001, medianSeconds: 0.11 }, PREVIOUS, 11)],
    ['errors-release-4pct.om', render('errors', { errorRatio: 0.043, medianSeconds: 0.11 }, PREVIOUS, 13)],
    ['errors-release-8pct.om', render('errors', { errorRatio: 0.08, medianSeconds: 0.11 }, PREVIOUS, 17)],
    ['latency-normal.om', render('latency', { errorRatio: 0.003, medianSeconds: 0.11 }, PREVIOUS, 19)],
    [
      'latency-release-20pct.om',
      render('latency', { errorRatio: 0.003, medianSeconds: 0.132 }, PREVIOUS, 23),
    ],
    [
      'latency-release-double.om',
      render('latency', { errorRatio: 0.003, medianSeconds: 0.22 }, PREVIOUS, 29),
    ],
    // Twice as slow, but 3 requests a minute: about 45 a side, too few to read a p95 from.
    [
      'latency-few-requests.om',
      render(
        'latency',
        { errorRatio: 0.003, medianSeconds: 0.22, requestsPerMinute: 3 },
        { ...PREVIOUS, requestsPerMinute: 3 },
        31,
      ),
    ],
  ]);
}

seriesCommand(
  import.meta.url,
  path.join(path.dirname(fileURLToPath(import.meta.url)), 'series'),
  renderSeries,
);
