import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppDeps, RequestContext, Route } from './context.ts';
import { applyCors } from './cors.ts';
import { MEMORY_LEAK_CAP_BYTES } from './faults.ts';
import { HttpError, sendHtml, sendJson } from './http.ts';
import { answerMaintenance } from './maintenance.ts';
import { errorPage } from './pages/layout.ts';
import { createRateLimiter, type RateLimiter } from './rate-limit.ts';
import { createRouter } from './routes/index.ts';
import { applySecurityHeaders, isHttps } from './security.ts';

/** Metrics label for paths that match no route, so scanners cannot create unbounded label values. */
const UNMATCHED_ROUTE = 'unmatched';

/**
 * The request pipeline: metrics → security headers → faults → route → error page.
 * Faults act here, before routing, so they hit every route alike (or the one route they name).
 */
export function createRequestListener(
  deps: AppDeps,
  routes?: readonly Route[],
): (req: IncomingMessage, res: ServerResponse) => void {
  const route = createRouter(routes);
  // One limiter per server: counters live as long as the process, as in a single-node deployment.
  const limiter = createRateLimiter();
  // error-rate faults: every Nth response is a 500; one due on the login form moves to the next
  // request, so sessions still start and the overall rate stays exactly 1 in N.
  let served = 0;
  let due = 0;
  // The memory-leak fault's "cache" that nothing ever evicts; it lives as long as this server.
  const retained: Buffer[] = [];
  return (req, res) => {
    const leak = deps.faults.retainBytesPerRequest;
    // Filled, not zeroed: untouched zero pages may never become resident, and the leak must show in RSS.
    if (leak > 0 && retained.length * leak < MEMORY_LEAK_CAP_BYTES)
      retained.push(Buffer.alloc(leak, retained.length % 255 || 1));
    const every = deps.faults.errorEvery;
    if (every > 0 && ++served % every === 0) due++;
    const injectError = due > 0 && !isLoginForm(req.url);
    if (injectError) due--;
    void handle(deps, route, limiter, req, res, injectError);
  };
}

async function handle(
  deps: AppDeps,
  route: ReturnType<typeof createRouter>,
  limiter: RateLimiter,
  req: IncomingMessage,
  res: ServerResponse,
  injectError = false,
): Promise<void> {
  const started = performance.now();
  const method = req.method ?? 'GET';
  // The Host header is client-controlled; only the path and query are taken from the request.
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const match = route(method, url.pathname);
  const routeLabel = match ? ('route' in match ? match.route.path : match.path) : UNMATCHED_ROUTE;
  res.on('finish', () => {
    deps.metrics.observe(method, routeLabel, res.statusCode, (performance.now() - started) / 1000);
  });

  const https = isHttps(req);
  if (deps.faults.securityHeaders) applySecurityHeaders(res, https);
  const api = url.pathname.startsWith('/api/');
  try {
    // Maintenance mode answers anonymous page requests before anything else runs (`maintenance.ts`).
    if (await answerMaintenance(deps, req, res, url.pathname)) return;
    if (deps.faults.minDelayMs > 0) await delayUntil(started + deps.faults.minDelayMs);
    if (deps.faults.forceServerError || injectError || deps.faults.errorRoutes.includes(routeLabel))
      throw new HttpError(500, 'Internal Server Error');
    // The connection-leak fault: a real connection opened here is never closed (until the store is).
    if (match && routeLabel === deps.faults.leakConnectionRoute) await deps.store.openStrayConnection();
    if (applyCors(req, res, deps.faults.corsReflect)) return;
    if (!match) throw new HttpError(404, 'Page not found.');
    if (!('route' in match))
      throw new HttpError(405, 'Method not allowed.', { Allow: match.allowed.join(', ') });
    if (deps.faults.rateLimit) {
      // Keyed by the socket's address, never a client-supplied header, and by route.
      const decision = limiter.hit(req.socket.remoteAddress ?? 'unknown', method, match.route.path);
      if (!decision.allowed)
        throw new HttpError(429, 'Too many requests.', { 'Retry-After': String(decision.retryAfterSeconds) });
    }
    const ctx: RequestContext = { req, res, url, deps, https };
    await match.route.handler(ctx);
  } catch (error) {
    sendError(deps, res, api, error, `${method} ${url.pathname}`);
  }
}

function isLoginForm(url: string | undefined): boolean {
  return (url ?? '').split('?')[0] === '/login';
}

/** Waits until `deadline` (performance.now() time); timers may fire early, so it re-checks. */
async function delayUntil(deadline: number): Promise<void> {
  for (let left = deadline - performance.now(); left > 0; left = deadline - performance.now()) {
    await sleep(Math.ceil(left));
  }
}

function sendError(deps: AppDeps, res: ServerResponse, api: boolean, error: unknown, what: string): void {
  const known = error instanceof HttpError;
  if (!known)
    process.stderr.write(`rollgate-demo: ${what} failed: ${(error as Error)?.stack ?? String(error)}\n`);
  if (res.headersSent) {
    // Too late for an error page; cutting the connection at least makes the failure visible.
    res.destroy();
    return;
  }
  const status = known ? error.status : 500;
  const message = known ? error.message : 'Internal Server Error';
  if (known) for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  if (api) {
    sendJson(res, status, { status: 'error', error: message });
    return;
  }
  const view = {
    title: status === 500 ? 'Error' : `Error ${status}`,
    version: deps.version,
    environment: deps.environment,
  };
  sendHtml(res, status, errorPage(view, status, message));
}
