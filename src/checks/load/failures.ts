import type { LoadObservation, RequestSample } from './observation.ts';

/**
 * Why requests failed, counted by kind: the HTTP status when one came back (`500`), else the
 * network error (`ECONNREFUSED`, `ECONNRESET`, `timeout`…). "Every request failed" alone does not
 * tell a release manager whether the app is broken (500s) or not there (refused connections).
 */
export function failureCounts(samples: readonly RequestSample[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of samples) {
    if (!s.failed) continue;
    const kind = s.status > 0 ? String(s.status) : (s.error ?? 'no response');
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

/** `500 ×1234, ECONNREFUSED ×12`, most frequent first. */
export function describeFailures(counts: Readonly<Record<string, number>>): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([kind, n]) => `${kind} ×${n}`)
    .join(', ');
}

/**
 * The reason of a run in which no request succeeded, with the breakdown by status and error kind
 * when per-request data exists; undefined when some request succeeded or none was made.
 * @example everyRequestFailed(obs) // 'every request failed (1234 of 1234): 500 ×1234'
 */
export function everyRequestFailed(obs: LoadObservation, side = ''): string | undefined {
  if (obs.requests === 0 || obs.failed < obs.requests) return undefined;
  const counts =
    obs.failures && Object.keys(obs.failures).length ? describeFailures(obs.failures) : undefined;
  const where = side ? ` to the ${side}` : '';
  return `every request${where} failed (${obs.failed} of ${obs.requests}): ${counts ?? 'no per-request data for a breakdown'}`;
}

/** A network error's kind as engines and fetch report it: its code, or `timeout`. */
export function errorKind(error: unknown): string {
  const e = error as {
    name?: string;
    code?: string;
    message?: string;
    cause?: { code?: string; name?: string };
  };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError' || e?.cause?.name === 'TimeoutError')
    return 'timeout';
  const code = e?.cause?.code ?? e?.code;
  if (code) return code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT' ? 'timeout' : code;
  return (e?.message ?? String(error)).split('\n')[0]!.slice(0, 80) || 'error';
}
