import { CheckFailure, ObservationError } from '../authoring/errors.ts';
import { ABSENT, type Assessment, assessment, type RuleResult } from './assessment.ts';
import { probe } from './http.ts';
import type { Requester } from './http-target.ts';

/** A declared rate limit, probed on a route (or identity) that nothing else uses. */
export interface RateLimitSpec {
  /** @example '/api/rate-probe' */
  path: string;
  /** Requests allowed per window. @example 5 */
  limit: number;
  /** @example 10 */
  windowSeconds: number;
  method?: string;
  /** Extra request headers, e.g. an identity the limiter keys on. */
  headers?: Record<string, string>;
}

/** Seconds from a Retry-After value: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  // HTTP dates (all three RFC formats) open with a day name; Date.parse alone reads '-3' as a year.
  if (!/^[A-Za-z]{3}/.test(v)) return undefined;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * Sends more requests than the limit allows, one after another, and expects a 429 with
 * Retry-After by request `limit + 1`. The loop is bounded (twice the limit plus two) and stops at
 * the first 429. A run slower than the window cannot show a limit: inconclusive (errored).
 * A 429 earlier than expected passes: an earlier run may have used the same window.
 */
export async function checkRateLimit(
  baseURL: string,
  spec: RateLimitSpec,
  options: { request?: Requester; timeoutMs?: number } = {},
): Promise<Assessment> {
  if (!(spec.limit >= 1) || !(spec.windowSeconds > 0)) {
    throw new ObservationError(
      `rate limit for ${spec.path} needs limit >= 1 and windowSeconds > 0`,
      'ROLLGATE_CONFIG',
    );
  }
  const request = options.request ?? probe;
  const url = baseURL + spec.path;
  const max = Math.min(spec.limit * 2 + 2, 1000);
  const log: string[] = [];
  const started = performance.now();
  let first429: number | undefined;
  let retryAfter: string | null = null;
  let sent = 0;
  while (sent < max) {
    sent += 1;
    const res = await request(url, {
      method: spec.method ?? 'GET',
      headers: spec.headers,
      timeoutMs: options.timeoutMs ?? 10_000,
    });
    log.push(
      `${sent}\t${res.status}\t${Math.round(res.durationMs)} ms\tretry-after: ${res.headers.get('retry-after') ?? ABSENT}`,
    );
    if (res.status === 429) {
      first429 = sent;
      retryAfter = res.headers.get('retry-after');
      break;
    }
    if (res.status >= 400) {
      throw new CheckFailure(
        `rate-limit probe ${spec.method ?? 'GET'} ${url}: request ${sent} answered ${res.status}; expected 2xx until the limit, then 429`,
      );
    }
  }
  const elapsedMs = performance.now() - started;
  const evidence = [
    {
      name: 'rate-limit requests',
      contentType: 'text/plain',
      body: `n\tstatus\tduration\n${log.join('\n')}`,
    },
  ];
  if (first429 === undefined && elapsedMs > spec.windowSeconds * 1000) {
    throw new ObservationError(
      `inconclusive: ${sent} requests to ${url} took ${Math.round(elapsedMs)} ms, longer than the ${spec.windowSeconds} s window`,
      'ROLLGATE_INCONCLUSIVE',
    );
  }
  const seconds = parseRetryAfter(retryAfter);
  const rules: RuleResult[] = [
    { rule: 'requests sent', passed: true, seen: sent, operator: '<=', expected: max },
    {
      rule: 'first 429 at request',
      passed: first429 !== undefined && first429 <= spec.limit + 1,
      seen: first429 ?? `none in ${sent} requests within ${(elapsedMs / 1000).toFixed(2)} s`,
      operator: '<=',
      expected: spec.limit + 1,
      reason: `declared limit ${spec.limit} per ${spec.windowSeconds} s`,
    },
  ];
  if (first429 !== undefined) {
    rules.push({
      rule: 'Retry-After seconds',
      passed: seconds !== undefined && seconds <= spec.windowSeconds,
      seen: seconds ?? (retryAfter === null ? ABSENT : `"${retryAfter}"`),
      operator: '<=',
      expected: spec.windowSeconds,
    });
  }
  return assessment(`rate limit of ${spec.method ?? 'GET'} ${url}`, rules, evidence);
}
