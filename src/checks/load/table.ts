import { escapeXml } from './chart.ts';
import type { EndpointObservation, LoadObservation } from './observation.ts';
import { summarize } from './stats.ts';

export interface TableRow {
  endpoint: string;
  side: string;
  requests: number;
  errors: number;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
}

const HEAD = ['endpoint', 'side', 'requests', 'errors', 'p50 ms', 'p90 ms', 'p95 ms', 'p99 ms'];
const cell = (v: number | null) => (v === null ? '–' : (Math.round(v * 100) / 100).toString());

function rows(side: string, endpoints: readonly EndpointObservation[]): TableRow[] {
  return endpoints.map((e) => ({
    endpoint: e.endpoint,
    side,
    requests: e.requests,
    errors: e.failed,
    p50: e.latency.p50,
    p90: e.latency.p90,
    p95: e.latency.p95,
    p99: e.latency.p99,
  }));
}

/** An "all endpoints" row from the observation's own totals. */
function total(side: string, obs: LoadObservation): TableRow {
  return {
    endpoint: 'all',
    side,
    requests: obs.requests,
    errors: obs.failed,
    p50: obs.latency.p50 ?? null,
    p90: obs.latency.p90 ?? null,
    p95: obs.latency.p95 ?? null,
    p99: obs.latency.p99 ?? null,
  };
}

/**
 * Rows per endpoint, baseline and canary next to each other, then the totals. Endpoints only
 * one side saw still get a row (with no values on the other side): a missing endpoint is news.
 */
export function percentileRows(input: { baseline?: LoadObservation; canary: LoadObservation }): TableRow[] {
  const sides = [
    ...(input.baseline ? [['baseline', input.baseline] as const] : []),
    ['canary', input.canary] as const,
  ];
  const names = [...new Set(sides.flatMap(([, o]) => o.endpoints.map((e) => e.endpoint)))];
  const out: TableRow[] = [];
  for (const name of names) {
    for (const [side, obs] of sides) {
      const found = obs.endpoints.find((e) => e.endpoint === name);
      out.push(...rows(side, [found ?? { endpoint: name, requests: 0, failed: 0, latency: summarize([]) }]));
    }
  }
  for (const [side, obs] of sides) out.push(total(side, obs));
  return out;
}

const values = (r: TableRow) => [
  r.endpoint,
  r.side,
  String(r.requests),
  String(r.errors),
  cell(r.p50),
  cell(r.p90),
  cell(r.p95),
  cell(r.p99),
];

/** The per-endpoint percentile table as markdown (console, CI summaries) or HTML (reports). */
export function percentileTable(
  input: { baseline?: LoadObservation; canary: LoadObservation },
  format: 'markdown' | 'html' = 'markdown',
): string {
  const body = percentileRows(input).map(values);
  if (format === 'html') {
    const tr = (cells: string[], tag: 'th' | 'td') =>
      `<tr>${cells.map((c) => `<${tag}>${escapeXml(c)}</${tag}>`).join('')}</tr>`;
    return `<table class="percentiles"><thead>${tr(HEAD, 'th')}</thead><tbody>${body.map((r) => tr(r, 'td')).join('')}</tbody></table>`;
  }
  const md = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [md(HEAD), `|${HEAD.map((_, i) => (i < 2 ? ' --- ' : ' ---: ')).join('|')}|`, ...body.map(md)].join(
    '\n',
  );
}
