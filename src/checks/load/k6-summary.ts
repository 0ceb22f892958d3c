import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ObservationError } from '../authoring/errors.ts';
import { type K6Metrics, type K6ObserveOptions, observeK6Metrics } from './k6-metrics.ts';
import type { LoadObservation } from './observation.ts';

/**
 * `k6 run --summary-export <file>`: metric values sit directly on the metric (`"p(95)": 6.79`),
 * and a threshold's boolean is TRUE WHEN IT WAS CROSSED (failed), false when it held.
 */
export const SummaryExport = z.object({
  root_group: z.object({ name: z.string(), path: z.string() }).loose().optional(),
  metrics: z.record(
    z.string(),
    z.object({ thresholds: z.record(z.string(), z.boolean()).optional() }).catchall(z.number()),
  ),
});

/**
 * The data a script's `handleSummary(data)` receives (and usually writes as JSON): values are
 * nested under `values`, and a threshold reads `{ ok: true }` when it HELD — the opposite sense
 * of the summary export's boolean.
 */
export const HandleSummary = z.object({
  metrics: z.record(
    z.string(),
    z.object({
      type: z.enum(['counter', 'gauge', 'rate', 'trend']),
      contains: z.string().optional(),
      values: z.record(z.string(), z.number()),
      thresholds: z.record(z.string(), z.object({ ok: z.boolean() })).optional(),
    }),
  ),
  state: z.object({ testRunDurationMs: z.number().nonnegative() }).loose().optional(),
  options: z
    .object({ summaryTrendStats: z.array(z.string()).optional() })
    .loose()
    .optional(),
  root_group: z.unknown().optional(),
});

export function metricsFromSummaryExport(data: z.infer<typeof SummaryExport>): K6Metrics {
  const out: K6Metrics = {};
  for (const [name, { thresholds, ...values }] of Object.entries(data.metrics)) {
    out[name] = { values: values as Record<string, number>, crossed: { ...thresholds } };
  }
  return out;
}

export function metricsFromHandleSummary(data: z.infer<typeof HandleSummary>): K6Metrics {
  const out: K6Metrics = {};
  for (const [name, m] of Object.entries(data.metrics)) {
    const crossed: Record<string, boolean> = {};
    for (const [expr, t] of Object.entries(m.thresholds ?? {})) crossed[expr] = !t.ok;
    out[name] = { values: m.values, crossed };
  }
  return out;
}

/** Is this a handleSummary document (values nested) rather than a summary export? */
function isHandleSummary(data: unknown): boolean {
  const metrics = (data as { metrics?: Record<string, unknown> })?.metrics;
  const first = metrics ? Object.values(metrics)[0] : undefined;
  return typeof first === 'object' && first !== null && 'values' in first;
}

/**
 * Parses either k6 summary format into an observation. A document that is neither, or a summary
 * without HTTP metrics, is an ObservationError naming the file: no data never passes.
 */
export function parseK6Summary(
  data: unknown,
  opts: K6ObserveOptions & { source?: string } = {},
): LoadObservation {
  const source = opts.source ?? 'k6 summary';
  if (isHandleSummary(data)) {
    const parsed = HandleSummary.safeParse(data);
    if (!parsed.success) throw invalid(source, parsed.error);
    const durationMs = opts.durationMs ?? parsed.data.state?.testRunDurationMs;
    return observeK6Metrics(metricsFromHandleSummary(parsed.data), { ...opts, durationMs });
  }
  const parsed = SummaryExport.safeParse(data);
  if (!parsed.success) throw invalid(source, parsed.error);
  return observeK6Metrics(metricsFromSummaryExport(parsed.data), opts);
}

function invalid(source: string, error: z.ZodError): ObservationError {
  const first = error.issues[0];
  const where = first?.path.join('.') || '(root)';
  return new ObservationError(
    `${source}: not a k6 summary (--summary-export or handleSummary JSON): ${where}: ${first?.message}`,
    'ROLLGATE_K6_SUMMARY_INVALID',
  );
}

/** Reads a summary file from a distributed run (k6 Cloud, k6-operator) or a local one. */
export async function readK6Summary(file: string, opts: K6ObserveOptions = {}): Promise<LoadObservation> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ObservationError(
      `${file}: cannot read the k6 summary: ${(error as Error).message}`,
      'ROLLGATE_K6_SUMMARY_MISSING',
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ObservationError(
      `${file}: the k6 summary is not JSON: ${(error as Error).message}`,
      'ROLLGATE_K6_SUMMARY_INVALID',
    );
  }
  return parseK6Summary(data, { engine: 'k6-summary', ...opts, source: file });
}
