import { ABSENT, type Assessment, assessment, type RuleResult } from './assessment.ts';
import { type HttpResult, probe } from './http.ts';
import type { Requester } from './http-target.ts';

/** An origin no target trusts: `.example` is reserved (RFC 2606) and can never be registered. */
export const UNTRUSTED_ORIGIN = 'https://evil.example';

/**
 * Did the response let `origin` read it with the user's cookies? That is the dangerous case: a
 * reflected (or `*`) Access-Control-Allow-Origin together with Access-Control-Allow-Credentials: true.
 * Browsers refuse `*` with credentials, but sending it shows a policy that reflects whatever it is given.
 */
export function assessCorsHeaders(headers: Headers, origin: string, rule: string): RuleResult {
  const allowOrigin = headers.get('access-control-allow-origin')?.trim();
  const credentials = headers.get('access-control-allow-credentials')?.trim().toLowerCase() === 'true';
  const allowed = allowOrigin === origin || allowOrigin === '*';
  const seen =
    allowOrigin === undefined
      ? `no Access-Control-Allow-Origin`
      : `Access-Control-Allow-Origin: ${allowOrigin}, Access-Control-Allow-Credentials: ${headers.get('access-control-allow-credentials') ?? ABSENT}`;
  return {
    rule,
    passed: !(allowed && credentials),
    seen,
    expected: `${origin} not allowed together with Access-Control-Allow-Credentials: true`,
  };
}

function dump(res: HttpResult, what: string): string {
  const lines = [`${what} -> ${res.status}`];
  res.headers.forEach((v, k) => {
    if (k.startsWith('access-control-') || k === 'vary') lines.push(`${k}: ${v}`);
  });
  return lines.join('\n');
}

/**
 * Sends a simple GET and a preflight OPTIONS to `url` from an untrusted origin and fails when
 * either lets that origin in with credentials.
 * @example await checkCors(`${baseURL}/api/estimates`, { origin: 'https://evil.example' })
 */
export async function checkCors(
  url: string,
  options: { origin?: string; request?: Requester; timeoutMs?: number; preflightMethod?: string } = {},
): Promise<Assessment> {
  const origin = options.origin ?? UNTRUSTED_ORIGIN;
  const request = options.request ?? probe;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const method = options.preflightMethod ?? 'POST';
  const get = await request(url, { timeoutMs, headers: { origin } });
  const preflight = await request(url, {
    method: 'OPTIONS',
    timeoutMs,
    headers: {
      origin,
      'access-control-request-method': method,
      'access-control-request-headers': 'content-type',
    },
  });
  const rules = [
    assessCorsHeaders(get.headers, origin, `CORS GET with Origin ${origin}`),
    assessCorsHeaders(preflight.headers, origin, `CORS preflight OPTIONS (${method}) with Origin ${origin}`),
  ];
  const body = [
    dump(get, `GET ${url} Origin: ${origin}`),
    dump(preflight, `OPTIONS ${url} Origin: ${origin}`),
  ].join('\n\n');
  return assessment(`CORS policy of ${url}`, rules, [
    { name: 'cors responses', contentType: 'text/plain', body },
  ]);
}
