import { ascending } from './stats.ts';

export interface ChartSeries {
  label: string;
  /** Latencies in ms. */
  values: readonly number[];
}

const W = 640;
const H = 360;
const M = { left: 64, right: 16, top: 40, bottom: 56 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
const MAX_POINTS = 240;

export const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (v: number) =>
  v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toPrecision(2);

/** Tick values: decades (1, 10, 100 ms…) on a log axis, 5 even steps on a linear one. */
function ticks(lo: number, hi: number, log: boolean): number[] {
  if (!log) return Array.from({ length: 6 }, (_, i) => lo + ((hi - lo) * i) / 5);
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
  return out.filter((t) => t >= lo * 0.999 && t <= hi * 1.001);
}

/**
 * Cumulative distributions (share of requests answered within x ms) of baseline and canary in
 * one self-contained SVG: no scripts, no external fonts or images, so it opens from a report on
 * disk. The x axis turns logarithmic when the latencies span more than 50×, or a fast baseline
 * would be squashed against the axis by a slow canary.
 * @example latencyChartSvg({ baseline: [1, 2, 3], canary: [800, 810, 820] })
 */
export function latencyChartSvg(input: {
  baseline?: readonly number[];
  canary?: readonly number[];
  series?: ChartSeries[];
  title?: string;
}): string {
  const series: ChartSeries[] = input.series ?? [
    ...(input.baseline ? [{ label: 'baseline', values: input.baseline }] : []),
    ...(input.canary ? [{ label: 'canary', values: input.canary }] : []),
  ];
  const sorted = series.map((s) => ({
    ...s,
    values: ascending(s.values.filter((v) => Number.isFinite(v) && v >= 0)),
  }));
  const all = sorted.flatMap((s) => (s.values.length ? [s.values[0]!, s.values.at(-1)!] : []));
  const title = escapeXml(input.title ?? 'Latency distribution (cumulative)');
  const head = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12"><title>${title}</title><rect width="${W}" height="${H}" fill="#fff"/><text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${title}</text>`;
  if (all.length === 0) {
    return `${head}<text x="${W / 2}" y="${H / 2}" text-anchor="middle">no latencies recorded</text></svg>`;
  }
  const positive = Math.max(Math.min(...all), 0.01);
  const hi = Math.max(...all, positive * 1.01);
  const log = hi / positive > 50;
  const lo = log ? positive : 0;
  const px = (v: number) =>
    M.left +
    (log
      ? (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))
      : (v - lo) / (hi - lo)) *
      (W - M.left - M.right);
  const py = (f: number) => H - M.bottom - f * (H - M.top - M.bottom);
  const parts = [head];
  parts.push(
    `<g stroke="#333"><line x1="${M.left}" y1="${py(0)}" x2="${W - M.right}" y2="${py(0)}"/><line x1="${M.left}" y1="${py(0)}" x2="${M.left}" y2="${py(1)}"/></g>`,
  );
  for (const t of ticks(lo, hi, log)) {
    parts.push(`<text x="${px(t).toFixed(1)}" y="${py(0) + 16}" text-anchor="middle">${fmt(t)}</text>`);
  }
  for (const f of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(
      `<line x1="${M.left}" y1="${py(f)}" x2="${W - M.right}" y2="${py(f)}" stroke="#eee"/><text x="${M.left - 6}" y="${py(f) + 4}" text-anchor="end">${f * 100}%</text>`,
    );
  }
  parts.push(
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 12}" text-anchor="middle">latency (ms${log ? ', log scale' : ''})</text>`,
  );
  parts.push(
    `<text x="14" y="${(M.top + H - M.bottom) / 2}" text-anchor="middle" transform="rotate(-90 14 ${(M.top + H - M.bottom) / 2})">requests answered within</text>`,
  );
  sorted.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const n = s.values.length;
    const step = Math.max(1, Math.floor(n / MAX_POINTS));
    const pts: string[] = [];
    for (let k = 0; k < n; k += step)
      pts.push(`${px(s.values[k]!).toFixed(1)},${py((k + 1) / n).toFixed(1)}`);
    if (n) pts.push(`${px(s.values[n - 1]!).toFixed(1)},${py(1).toFixed(1)}`);
    const label = escapeXml(s.label);
    parts.push(
      `<polyline data-series="${label}" fill="none" stroke="${colour}" stroke-width="2" points="${pts.join(' ')}"/>`,
    );
    parts.push(
      `<rect x="${M.left + 10}" y="${M.top + 4 + i * 18}" width="12" height="12" fill="${colour}"/><text x="${M.left + 28}" y="${M.top + 14 + i * 18}">${label} (n=${n})</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
