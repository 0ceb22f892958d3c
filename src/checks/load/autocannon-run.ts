import type autocannon from 'autocannon';
import { errorKind } from './failures.ts';
import type { RequestSample } from './observation.ts';
import type { LoadEndpoint, LoadProfile } from './profile.ts';
import { endpointSequence } from './sequence.ts';

/** Is this response an error for this endpoint? Status ≥ 500 unless the endpoint lists what it expects. */
export function isFailure(endpoint: Pick<LoadEndpoint, 'expectStatus'>, status: number): boolean {
  if (status === 0) return true;
  return endpoint.expectStatus ? !endpoint.expectStatus.includes(status) : status >= 500;
}

export interface AutocannonRunOptions {
  baseURL: string;
  profile: LoadProfile;
  /** Default: the profile's duration. */
  durationMs?: number;
  /** Cookie header for every request (from {@link loginCookie}). */
  cookie?: string;
  /** Headers for every request: the signed-in session's (see loadAuthHeaders). */
  headers?: Record<string, string>;
  /** Set false to throw the samples away (warm-up). */
  record?: boolean;
}

export interface SampleRun {
  samples: RequestSample[];
  durationMs: number;
  startedAt: string;
  /** Requests autocannon sent, answered or not: those still in flight when it stopped included. */
  sent: number;
  /** Responses received (recorded or not): every one the server finished. */
  answered: number;
}

type TrackedRequest = autocannon.Request & { rollgateEndpoint?: LoadEndpoint };
interface ClientInternals {
  requestIterator: { currentRequest: TrackedRequest };
}

const joinPath = (base: URL, p: string) => `${base.pathname.replace(/\/$/, '')}${p}`;

/**
 * Runs the profile's endpoint mix against `baseURL` with autocannon for `durationMs` and returns
 * one sample per request: latency and status from each client's `response` event, and a failed
 * sample (no latency) for each connection error or timeout. With pipelining 1 a client's current
 * request is the one just answered, which is how each sample knows its endpoint. Requests still in
 * flight when the run stops are dropped by autocannon: keep runs several times the latency long.
 */
export async function runAutocannon(opts: AutocannonRunOptions): Promise<SampleRun> {
  const { profile } = opts;
  const base = new URL(opts.baseURL);
  const requests: TrackedRequest[] = endpointSequence(profile.endpoints).map((e) => ({
    method: e.method,
    path: joinPath(base, e.path),
    headers: e.headers,
    ...(e.body === undefined ? {} : { body: e.body }),
    rollgateEndpoint: e,
  }));
  const samples: RequestSample[] = [];
  const record = opts.record !== false;
  let answered = 0;
  const sample = (client: ClientInternals, status: number, latencyMs: number | null, error?: string) => {
    if (status > 0) answered += 1;
    if (!record) return;
    const endpoint = client.requestIterator.currentRequest.rollgateEndpoint;
    const name = endpoint?.name ?? 'unknown';
    samples.push({
      endpoint: name,
      latencyMs,
      status,
      failed: endpoint ? isFailure(endpoint, status) : true,
      ...(error ? { error } : {}),
    });
  };
  const durationMs = opts.durationMs ?? profile.duration;
  const startedAt = new Date();
  const started = performance.now();
  // Loaded when a load runs: autocannon stays out of every other command's start-up.
  const { default: run } = await import('autocannon');
  const result = await run({
    url: base.origin,
    requests,
    connections: profile.connections,
    ...(profile.arrivalRate ? { overallRate: profile.arrivalRate } : {}),
    duration: durationMs / 1000,
    timeout: Math.max(1, Math.ceil(profile.requestTimeout / 1000)),
    headers: { ...opts.headers, ...(opts.cookie ? { cookie: opts.cookie } : {}) },
    // Stop within 100 ms of the duration instead of at the next whole second.
    sampleInt: 100,
    setupClient(client) {
      const internals = client as unknown as ClientInternals;
      client.on('response', (status: number, _bytes: number, latency: number) =>
        sample(internals, status, latency),
      );
      // What went wrong is kept, so "every request failed" can say ECONNREFUSED or timeout.
      (client as unknown as NodeJS.EventEmitter)
        .on('connError', (error: unknown) => sample(internals, 0, null, errorKind(error)))
        .on('timeout', () => sample(internals, 0, null, 'timeout'));
    },
  });
  return {
    samples,
    durationMs: performance.now() - started,
    startedAt: startedAt.toISOString(),
    sent: result.requests.sent,
    answered,
  };
}
