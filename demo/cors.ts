import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Cross-origin policy. The demo is a same-origin app: it trusts no other origin, so a healthy
 * release sends no Access-Control-Allow-Origin at all and preflights fall through to routing (405).
 * The `cors-reflect` fault is the classic misconfiguration: echo whatever Origin arrives and allow
 * credentials, which lets any site read a logged-in user's data.
 *
 * @returns true when the request was a preflight and has been answered.
 */
export function applyCors(req: IncomingMessage, res: ServerResponse, reflect: boolean): boolean {
  const origin = req.headers.origin;
  if (!reflect || !origin) return false;
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Allow-Credentials', 'true');
  res.setHeader('Vary', 'Origin');
  if (req.method !== 'OPTIONS' || !req.headers['access-control-request-method']) return false;
  res.statusCode = 204;
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
  res.setHeader(
    'Access-Control-Allow-Headers',
    req.headers['access-control-request-headers'] ?? 'content-type',
  );
  res.setHeader('Access-Control-Max-Age', '600');
  res.end();
  return true;
}
