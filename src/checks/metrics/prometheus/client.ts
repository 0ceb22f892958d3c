import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { answerDigest } from '../digest.ts';
import type { MetricAnswer, MetricAnswerOk, MetricSeries, MetricSource } from '../types.ts';

export interface PrometheusSourceOptions {
  /** Base URL of the server; its HTTP API is under `<url>/api/v1`. */
  url: string;
  /** Request headers, already filled in (`${ENV}` templating happens before). */
  headers?: Record<string, string>;
  /** PEM file of the CA that signed an https server's certificate; read once. */
  caFile?: string;
  /** One query taking longer is an error; default 10000. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Bigger answers are refused rather than held in memory: no check needs millions of points. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Prometheus writes sample values as strings: `"NaN"`, `"+Inf"`, `"-Inf"` or a decimal. */
export function sampleValue(v: unknown): number {
  if (v === '+Inf' || v === 'Inf') return Number.POSITIVE_INFINITY;
  if (v === '-Inf') return Number.NEGATIVE_INFINITY;
  return typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
}

type Sample = [number, string];
interface Data {
  resultType?: string;
  result?: unknown;
}

/** The series of a `data` object, or a reason it is not one Prometheus sends. */
function seriesOf(data: Data): { type: MetricAnswerOk['resultType']; series: MetricSeries[] } | string {
  const point = (s: Sample): [number, number] => [Number(s[0]), sampleValue(s[1])];
  const r = data.result;
  switch (data.resultType) {
    case 'vector':
      if (!Array.isArray(r)) break;
      return {
        type: 'vector',
        series: r.map((x: { metric?: Record<string, string>; value: Sample }) => ({
          labels: x.metric ?? {},
          points: [point(x.value)],
        })),
      };
    case 'matrix':
      if (!Array.isArray(r)) break;
      return {
        type: 'matrix',
        series: r.map((x: { metric?: Record<string, string>; values?: Sample[] }) => ({
          labels: x.metric ?? {},
          points: (x.values ?? []).map(point),
        })),
      };
    case 'scalar':
    case 'string':
      if (!Array.isArray(r) || r.length !== 2) break;
      return { type: data.resultType, series: [{ labels: {}, points: [point(r as Sample)] }] };
  }
  return `an answer of type ${JSON.stringify(data.resultType)} rollgate cannot read`;
}

function describeRequestError(error: NodeJS.ErrnoException, timeoutMs: number, timedOut: boolean): string {
  if (timedOut) return `no answer within ${timeoutMs} ms`;
  if (error.code === 'ECONNREFUSED') return `connection refused (${error.message}): is it running?`;
  if (error.name === 'AbortError') return 'stopped before it answered';
  return error.code ? `${error.code}: ${error.message}` : error.message;
}

/**
 * A MetricSource on a Prometheus server's HTTP API: POSTs (form-encoded) to `/api/v1/query` and
 * `/api/v1/query_range`. Never throws for a provider problem: refused, time-out, non-JSON or an
 * error status is `ok: false` saying what, with the body when there was one.
 * @example prometheusSource({ url: 'http://127.0.0.1:9090' }).instant('up', Date.now() / 1000)
 */
export function prometheusSource(o: PrometheusSourceOptions): MetricSource {
  const base = o.url.replace(/\/+$/, '');
  const describe = `prometheus ${base}`;
  const timeoutMs = o.timeoutMs ?? 10_000;
  let ca: Buffer | undefined;
  let caError: string | undefined;
  if (o.caFile)
    try {
      ca = readFileSync(o.caFile);
    } catch (error) {
      caError = `cannot read caFile ${o.caFile} (${(error as Error).message}): correct caFile to a readable PEM file`;
    }

  const post = (endpoint: string, form: Record<string, string>) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(`${base}/api/v1/${endpoint}`);
      const body = new URLSearchParams(form).toString();
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = o.signal ? AbortSignal.any([o.signal, timeout]) : timeout;
      const options: https.RequestOptions = {
        method: 'POST',
        signal,
        headers: {
          ...o.headers,
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          accept: 'application/json',
        },
        ...(url.protocol === 'https:' && ca ? { ca } : {}),
      };
      const req = (url.protocol === 'https:' ? https : http).request(url, options, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY_BYTES) req.destroy(new Error(`answer larger than ${MAX_BODY_BYTES} bytes`));
          else chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      });
      req.on('error', (error: NodeJS.ErrnoException) =>
        reject(new Error(describeRequestError(error, timeoutMs, timeout.aborted))),
      );
      req.end(body);
    });

  const ask = async (endpoint: string, form: Record<string, string>): Promise<MetricAnswer> => {
    if (caError) return { ok: false, error: `${describe}: ${caError}` };
    let answer: { status: number; body: string };
    try {
      answer = await post(endpoint, form);
    } catch (error) {
      return { ok: false, error: `${describe}: ${(error as Error).message}` };
    }
    const raw = answer.body;
    const digest = answerDigest(raw);
    let json: { status?: string; errorType?: string; error?: string; data?: Data };
    try {
      json = JSON.parse(raw);
    } catch {
      const start = raw.trim().slice(0, 200) || '(empty)';
      return { ok: false, error: `${describe}: HTTP ${answer.status}, not JSON: ${start}`, raw, digest };
    }
    if (json?.status !== 'success')
      return {
        ok: false,
        error: `${describe}: ${json?.errorType ?? `HTTP ${answer.status}`}: ${json?.error ?? `status ${JSON.stringify(json?.status)}`}`,
        raw,
        digest,
      };
    let parsed: ReturnType<typeof seriesOf>;
    try {
      parsed = seriesOf(json.data ?? {});
    } catch (error) {
      parsed = `a malformed answer (${(error as Error).message})`;
    }
    if (typeof parsed === 'string') return { ok: false, error: `${describe}: ${parsed}`, raw, digest };
    return { ok: true, resultType: parsed.type, series: parsed.series, raw, digest };
  };

  return {
    describe,
    instant: (query, time) => ask('query', { query, time: String(time) }),
    range: (query, start, end, step) =>
      ask('query_range', { query, start: String(start), end: String(end), step: String(step) }),
  };
}
