import { CheckFailure, ObservationError } from '../authoring/errors.ts';

export interface HttpResult {
  url: string;
  status: number;
  headers: Headers;
  body: string;
  durationMs: number;
}

export interface ProbeOptions {
  timeoutMs?: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  redirect?: RequestRedirect;
}

/** Why a request could not be observed, in words a release manager understands. */
export function explain(error: unknown, url: string, timeoutMs: number): ObservationError {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') {
    return new ObservationError(`no answer from ${url} within ${timeoutMs} ms (timeout)`, 'ROLLGATE_TIMEOUT');
  }
  const code = e.cause?.code;
  if (code === 'ECONNREFUSED')
    return new ObservationError(
      `target unreachable: connection refused at ${url}`,
      'ROLLGATE_TARGET_UNREACHABLE',
    );
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new ObservationError(
      `target unreachable: host not found for ${url}`,
      'ROLLGATE_TARGET_UNREACHABLE',
    );
  return new ObservationError(
    `target unreachable: ${e.cause?.message ?? e.message ?? String(error)} at ${url}`,
    'ROLLGATE_HTTP',
  );
}

/**
 * One HTTP request that never throws for an HTTP status: a 500 is an observation (the caller
 * asserts on it), while refused connections and timeouts become ObservationError (errored).
 */
export async function probe(url: string, options: ProbeOptions = {}): Promise<HttpResult> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const started = performance.now();
  try {
    const res = await fetch(url, {
      method: options.method ?? 'GET',
      headers: options.headers,
      body: options.body,
      redirect: options.redirect ?? 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await res.text();
    return { url, status: res.status, headers: res.headers, body, durationMs: performance.now() - started };
  } catch (error) {
    throw explain(error, url, timeoutMs);
  }
}

/** Parses a JSON body or fails the check with what was seen (an HTML error page is not health). */
export function jsonBody(result: HttpResult): unknown {
  try {
    return JSON.parse(result.body);
  } catch {
    const seen = result.body.slice(0, 80).replace(/\s+/g, ' ');
    throw new CheckFailure(`${result.url} answered ${result.status} with a body that is not JSON: "${seen}"`);
  }
}
