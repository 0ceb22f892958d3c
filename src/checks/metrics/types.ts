/**
 * Contracts between the metric checks' parts: a source answers queries (Prometheus's HTTP API or a
 * JSON endpoint), the evaluator turns answers into measurements, the engine supplies windows.
 * Times are Unix seconds (Prometheus's own unit), with millisecond precision.
 */

/** One series of an answer: its labels and its points, values parsed (NaN and ±Inf kept as numbers). */
export interface MetricSeries {
  labels: Record<string, string>;
  points: [time: number, value: number][];
}

/** What a source answered: series (a vector is one point each, a scalar one unlabelled series). */
export interface MetricAnswerOk {
  ok: true;
  resultType: 'vector' | 'matrix' | 'scalar' | 'string' | 'json';
  series: MetricSeries[];
  /** The raw response body, as received (for evidence). */
  raw: string;
  /** sha256 of `raw`, first 16 hex characters: names the exact answer in the reason. */
  digest: string;
}

/** A provider error, time-out or refusal: never a value. */
export interface MetricAnswerError {
  ok: false;
  /** What went wrong, in words: `prometheus at http://127.0.0.1:9090: bad_data: parse error…`, `no answer within 10000 ms`. */
  error: string;
  raw?: string;
  digest?: string;
}

export type MetricAnswer = MetricAnswerOk | MetricAnswerError;

/** Something metric checks query. Implementations never throw for a provider problem: they answer `ok: false`. */
export interface MetricSource {
  /** What it is, for messages: `prometheus http://127.0.0.1:41234` or `json http://127.0.0.1:3000/api/stats`. */
  readonly describe: string;
  /** Evaluates at one moment (Prometheus `/api/v1/query?time=`); a JSON source ignores `time`. */
  instant(query: string, time: number): Promise<MetricAnswer>;
  /** Evaluates from `start` to `end` every `step` seconds (`/api/v1/query_range`); a JSON source cannot. */
  range(query: string, start: number, end: number, step: number): Promise<MetricAnswer>;
}

/** The span a check judges for one target: from `start` to `end` (the evaluation time). */
export interface MetricWindow {
  start: number;
  end: number;
}

/** Values a query's `{…}` templates are filled with (`{window}` is added per target from its window). */
export interface MetricVars {
  release: string;
  stage: string;
  /** The stage's target name. */
  target: string;
  /** The baseline target name, when the stage or check has one. */
  baseline?: string;
}
