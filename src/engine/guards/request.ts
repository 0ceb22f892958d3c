import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { ObservationError } from '../../checks/authoring/errors.ts';
import { resolveHeaders, type TargetHttpSpec } from '../../checks/probes/http-target.ts';

/** What the target answered: its status and the start of its body (enough to quote). */
export interface GuardAnswer {
  status: number;
  body: string;
}

/**
 * A request that got no HTTP answer. `code` is the socket's own (`ECONNREFUSED`, `ECONNRESET`…),
 * `TIMEOUT` when nothing came back in time, `ABORTED` when the caller stopped it.
 */
export class GuardRequestError extends Error {
  override name = 'GuardRequestError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** How the guards reach the target: its declared headers (resolved from the environment) and CA. */
export interface GuardTransport {
  headers: Record<string, string>;
  /** Values read from the environment for the headers: secrets to mask. */
  secrets: string[];
  ca?: string[];
}

/**
 * The target's declared `http` (headers with `${NAME}` read from `env`, a CA bundle) as the guards
 * send it; an ObservationError (missing variable, unreadable bundle) names what is wrong. A
 * relative `caFile` is read from the project `root`, as the built-in checks read it.
 */
export function guardTransport(
  spec: TargetHttpSpec | undefined,
  env: NodeJS.ProcessEnv,
  root: string,
): GuardTransport {
  const { headers, secrets } = resolveHeaders(spec?.headers, env);
  if (!spec?.caFile) return { headers, secrets };
  let pem: string;
  try {
    pem = readFileSync(path.resolve(root, spec.caFile), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ObservationError(
      `cannot read the target's CA bundle ${spec.caFile} (${code})`,
      'ROLLGATE_CA_BUNDLE',
    );
  }
  return { headers, secrets, ca: [...rootCertificates, pem] };
}

const KEEP_BODY = 2048;

const WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ETIMEDOUT: 'connection timed out',
};

function coded(error: Error & { code?: string }): GuardRequestError {
  const code = error.code ?? 'EUNKNOWN';
  const words = WORDS[code] ?? error.message;
  return new GuardRequestError(`${code} (${words})`, code);
}

/**
 * One request on a connection of its own (no keep-alive: each probe is a new client, as a
 * visitor arriving during a restart would be). Resolves with any HTTP answer; rejects with a
 * {@link GuardRequestError} when none came: refused, reset, `timeoutMs` passed or `signal` aborted.
 * Nothing of it outlives the promise.
 */
export function sendRequest(
  url: string,
  o: {
    method?: string;
    headers?: Record<string, string>;
    ca?: string[];
    timeoutMs: number;
    signal?: AbortSignal;
  },
): Promise<GuardAnswer> {
  return new Promise<GuardAnswer>((resolve, reject) => {
    if (o.signal?.aborted) {
      reject(new GuardRequestError('stopped before it was sent', 'ABORTED'));
      return;
    }
    const u = new URL(url);
    const https = u.protocol === 'https:';
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      settle(() => reject(new GuardRequestError('stopped', 'ABORTED')));
      req.destroy();
    };
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const send = https ? httpsRequest : httpRequest;
    const req = send(
      u,
      {
        method: o.method ?? 'GET',
        headers: { ...o.headers, connection: 'close' },
        agent: false,
        ...(https && o.ca ? { ca: o.ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < KEEP_BODY) chunks.push(c);
          size += c.length;
        });
        res.on('end', () =>
          settle(() =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8').slice(0, KEEP_BODY),
            }),
          ),
        );
        res.on('error', (e) => settle(() => reject(coded(e))));
        // Cut off mid-answer without an error event: as good as reset.
        res.on('close', () => {
          if (!res.complete)
            settle(() => reject(new GuardRequestError('ECONNRESET (cut off mid-answer)', 'ECONNRESET')));
        });
      },
    );
    timer = setTimeout(() => {
      settle(() => reject(new GuardRequestError(`TIMEOUT (no answer within ${o.timeoutMs} ms)`, 'TIMEOUT')));
      req.destroy();
    }, o.timeoutMs);
    o.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (e) => settle(() => reject(coded(e))));
    req.end();
  });
}
