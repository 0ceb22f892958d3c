import { escapeXml } from '../load/chart.ts';

export interface MetricChartInput {
  title: string;
  series: { label: string; points: [number, number][] }[];
  /** Drawn dashed across the chart: the condition's value. */
  threshold?: { value: number; label: string };
  /** The window, Unix seconds. */
  start: number;
  end: number;
  unit?: string;
}

const W = 640;
const H = 360;
// The legend sits in the top margin, in a row, so it never covers the series or the threshold.
const M = { left: 72, right: 40, top: 56, bottom: 56 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#8c564b', '#e377c2'];

/** 3 significant digits, without trailing zeros: 0.0007, 0.00235, 1230. */
const fmt = (v: number) => String(Number(v.toPrecision(3)));
/** `12:03:04` (UTC): the window is minutes to hours long, a date would only crowd the axis. */
const clock = (t: number) => new Date(t * 1000).toISOString().slice(11, 19);

/**
 * The series of a metric check over its window in one self-contained SVG (no scripts, fonts or
 * URLs, so it opens from a report on disk): time on x, the value on y, the condition as a dashed
 * line, a legend. Non-finite points are left out; a lone point is drawn as a dot; a chart with no
 * point says "no data".
 * @example metricChartSvg({ title: 'error-ratio', series: [{ label: 'canary', points: [[0, 0.001]] }], start: 0, end: 60 })
 */
export function metricChartSvg(o: MetricChartInput): string {
  const series = o.series.map((s) => ({
    label: s.label,
    points: s.points.filter(([t, v]) => Number.isFinite(t) && Number.isFinite(v)),
  }));
  const title = escapeXml(o.title);
  const head = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12"><title>${title}</title><rect width="${W}" height="${H}" fill="#fff"/><text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${title}</text>`;
  const all = series.flatMap((s) => s.points);
  if (all.length === 0)
    return `${head}<text x="${W / 2}" y="${H / 2}" text-anchor="middle">no data</text></svg>`;
  const times = all.map((p) => p[0]);
  let t0 = Math.min(o.start, ...times);
  let t1 = Math.max(o.end, ...times);
  if (!(t1 > t0)) [t0, t1] = [t0 - 1, t1 + 1];
  const values = [
    ...all.map((p) => p[1]),
    ...(o.threshold && Number.isFinite(o.threshold.value) ? [o.threshold.value] : []),
  ];
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  const pad = hi > lo ? (hi - lo) * 0.05 : Math.abs(hi) * 0.1 || 1;
  // Values that cannot be negative (none is) never get a negative axis from the padding.
  [lo, hi] = [lo >= 0 ? Math.max(0, lo - pad) : lo - pad, hi + pad];
  const px = (t: number) => M.left + ((t - t0) / (t1 - t0)) * (W - M.left - M.right);
  const py = (v: number) => H - M.bottom - ((v - lo) / (hi - lo)) * (H - M.top - M.bottom);
  const parts = [head];
  parts.push(
    `<g stroke="#333"><line x1="${M.left}" y1="${H - M.bottom}" x2="${W - M.right}" y2="${H - M.bottom}"/><line x1="${M.left}" y1="${H - M.bottom}" x2="${M.left}" y2="${M.top}"/></g>`,
  );
  for (let i = 0; i <= 4; i++) {
    const v = lo + ((hi - lo) * i) / 4;
    const y = py(v).toFixed(1);
    parts.push(
      `<line x1="${M.left}" y1="${y}" x2="${W - M.right}" y2="${y}" stroke="#eee"/><text x="${M.left - 6}" y="${Number(y) + 4}" text-anchor="end">${escapeXml(fmt(v))}</text>`,
    );
    const t = t0 + ((t1 - t0) * i) / 4;
    parts.push(
      `<text x="${px(t).toFixed(1)}" y="${H - M.bottom + 16}" text-anchor="middle">${clock(t)}</text>`,
    );
  }
  parts.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 12}" text-anchor="middle">time (UTC)</text>`);
  if (o.unit) {
    const mid = (M.top + H - M.bottom) / 2;
    parts.push(
      `<text x="14" y="${mid}" text-anchor="middle" transform="rotate(-90 14 ${mid})">${escapeXml(o.unit)}</text>`,
    );
  }
  if (o.threshold && Number.isFinite(o.threshold.value)) {
    const y = py(o.threshold.value).toFixed(1);
    parts.push(
      `<line data-threshold="${escapeXml(String(o.threshold.value))}" x1="${M.left}" y1="${y}" x2="${W - M.right}" y2="${y}" stroke="#555" stroke-dasharray="6 4"/><text x="${W - M.right - 4}" y="${Number(y) - 4}" text-anchor="end" fill="#555">${escapeXml(o.threshold.label)}</text>`,
    );
  }
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const label = escapeXml(s.label);
    const xy = s.points.map(([t, v]) => `${px(t).toFixed(1)},${py(v).toFixed(1)}`);
    if (xy.length === 1) {
      const [x, y] = xy[0]!.split(',');
      parts.push(`<circle data-series="${label}" cx="${x}" cy="${y}" r="4" fill="${colour}"/>`);
    } else if (xy.length > 1) {
      parts.push(
        `<polyline data-series="${label}" fill="none" stroke="${colour}" stroke-width="2" points="${xy.join(' ')}"/>`,
      );
    }
    parts.push(
      `<rect x="${M.left + i * 200}" y="${M.top - 24}" width="12" height="12" fill="${colour}"/><text x="${M.left + 18 + i * 200}" y="${M.top - 14}">${label} (n=${s.points.length})</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
