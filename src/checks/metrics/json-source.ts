import { createTargetClient, type TargetClient } from '../probes/http-target.ts';
import { readPath } from '../probes/json-path.ts';
import { answerDigest } from './digest.ts';
import type { MetricAnswer, MetricSource } from './types.ts';

export { answerDigest };

export interface JsonSourceOptions {
  /** The endpoint, absolute (the engine resolves a path on the stage's target). */
  url: string;
  /** Request headers; `${NAME}` reads an environment variable, masked in every error. */
  headers?: Record<string, string>;
  /** PEM file of the CA that signed the endpoint's certificate. */
  caFile?: string;
  timeoutMs?: number;
}

/** A JSON value as the number it holds: numbers, and strings that read as one; anything else is NaN. */
function numberOf(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return Number.NaN;
}

/**
 * A metric source over an HTTP endpoint answering JSON: `instant(path)` GETs the URL and reads the
 * dotted path (`stats.errors.rate`, `items.0.count`) as a number. An absent path is an answer with
 * no series (no data); a value that is not a number is a NaN point (no data); an HTTP error, a body
 * that is not JSON, a time-out or a refused connection is `ok: false`. It has no history: `range`
 * is always `ok: false`. Never throws.
 * @example jsonSource({ url: 'http://127.0.0.1:3000/api/stats' }).instant('errors.rate', Date.now() / 1000)
 */
export function jsonSource(o: JsonSourceOptions): MetricSource {
  const timeoutMs = o.timeoutMs ?? 10_000;
  const describe = `json ${o.url}`;
  let client: TargetClient | undefined;
  return {
    describe,
    async instant(query: string): Promise<MetricAnswer> {
      let status: number;
      let raw: string;
      try {
        client ??= createTargetClient({ headers: o.headers, caFile: o.caFile });
        const res = await client.request(o.url, { timeoutMs, headers: { accept: 'application/json' } });
        status = res.status;
        raw = res.body;
      } catch (error) {
        const message = (error as Error)?.message ?? String(error);
        return { ok: false, error: client ? client.mask(message) : message };
      }
      const digest = answerDigest(raw);
      const seen = raw.slice(0, 120).replace(/\s+/g, ' ');
      if (status < 200 || status > 299)
        return { ok: false, error: `${o.url} answered HTTP ${status}: "${seen}"`, raw, digest };
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        return {
          ok: false,
          error: `${o.url} answered ${status} with a body that is not JSON: "${seen}"`,
          raw,
          digest,
        };
      }
      const read = readPath(body, query);
      const series = read.found
        ? [{ labels: {}, points: [[Date.now() / 1000, numberOf(read.value)] as [number, number]] }]
        : [];
      return { ok: true, resultType: 'json', series, raw, digest };
    },
    async range(): Promise<MetricAnswer> {
      return {
        ok: false,
        error: `${describe}: a json provider has no history; use over: 'instant' (or a Prometheus provider for a range)`,
      };
    },
  };
}
