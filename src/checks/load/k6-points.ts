import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { ObservationError } from '../authoring/errors.ts';
import type { RequestSample } from './observation.ts';

/** `--out json=<file>`: one JSON object per line, metric declarations and samples. */
const MetricLine = z.object({
  type: z.literal('Metric'),
  metric: z.string(),
  data: z.object({ name: z.string(), type: z.string() }).loose(),
});
const PointLine = z.object({
  type: z.literal('Point'),
  metric: z.string(),
  data: z.object({
    time: z.string(),
    value: z.number(),
    tags: z.record(z.string(), z.string()).nullable().optional(),
  }),
});
export const K6Line = z.discriminatedUnion('type', [MetricLine, PointLine]);

export interface K6Points {
  /** One sample per `http_req_duration` point, in stream order. */
  samples: RequestSample[];
  /** First to last request point, in ms. */
  spanMs: number | null;
  metrics: string[];
}

export interface PointsOptions {
  /** Only requests of this scenario (rollgate's generated scripts: `load`, leaving out the warm-up). */
  scenario?: string;
  source?: string;
}

/**
 * Reads k6's points stream into per-request samples: latency from `http_req_duration`, the
 * endpoint from the `name` tag (k6 sets it to the URL unless the script names it), the status
 * from `status`, and "failed" from `expected_response` (k6's responseCallback decides it, the
 * same rule `http_req_failed` counts). A malformed line is an error naming its line number.
 */
function collector(opts: PointsOptions) {
  const samples: RequestSample[] = [];
  const metrics = new Set<string>();
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  let n = 0;
  return {
    add(line: string): void {
      n++;
      if (!line.trim()) return;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        throw bad(opts.source, n, 'not JSON');
      }
      const parsed = K6Line.safeParse(json);
      if (!parsed.success) throw bad(opts.source, n, parsed.error.issues[0]?.message ?? 'unexpected shape');
      const row = parsed.data;
      if (row.type === 'Metric') {
        metrics.add(row.metric);
        return;
      }
      if (row.metric !== 'http_req_duration') return;
      const tags = row.data.tags ?? {};
      if (opts.scenario !== undefined && tags.scenario !== opts.scenario) return;
      const status = Number(tags.status ?? 0);
      samples.push({
        endpoint: tags.name ?? tags.url ?? 'unnamed',
        latencyMs: row.data.value,
        status,
        failed: tags.expected_response === 'false' || status === 0,
      });
      const t = Date.parse(row.data.time);
      if (t < first) first = t;
      if (t > last) last = t;
    },
    result(): K6Points {
      return { samples, spanMs: samples.length > 0 ? last - first : null, metrics: [...metrics] };
    },
  };
}

export function parseK6Points(lines: Iterable<string>, opts: PointsOptions = {}): K6Points {
  const c = collector(opts);
  for (const line of lines) c.add(line);
  return c.result();
}

function bad(source = 'k6 points', line: number, why: string): ObservationError {
  return new ObservationError(
    `${source}:${line}: not a k6 JSON output line: ${why}`,
    'ROLLGATE_K6_POINTS_INVALID',
  );
}

/** Streams a points file line by line (real runs write hundreds of megabytes). */
export async function readK6Points(file: string, opts: PointsOptions = {}): Promise<K6Points> {
  const c = collector({ source: file, ...opts });
  const input = createReadStream(file, 'utf8');
  try {
    for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) c.add(line);
  } catch (error) {
    if (error instanceof ObservationError) throw error;
    throw new ObservationError(
      `${file}: cannot read k6 points: ${(error as Error).message}`,
      'ROLLGATE_K6_POINTS_MISSING',
    );
  } finally {
    input.destroy();
  }
  return c.result();
}
