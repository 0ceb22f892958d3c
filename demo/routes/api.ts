import { performance } from 'node:perf_hooks';
import type { Route } from '../context.ts';
import { HttpError, readForm, sendJson } from '../http.ts';
import { JWKS } from '../jwks.ts';
import { formatCents } from '../money.ts';
import { currentSession, requireCsrf } from '../session.ts';

export const apiRoutes: Route[] = [
  {
    method: 'GET',
    path: '/api/simple-health',
    // Liveness only: answers without touching the database, so a slow DB does not restart the app.
    handler: (ctx) => sendJson(ctx.res, 200, { status: 'ok' }),
  },
  {
    method: 'GET',
    path: '/api/health',
    async handler(ctx) {
      const { store, version, environment } = ctx.deps;
      const info = store.info();
      const started = performance.now();
      try {
        await store.ping();
        const latencyMs = Math.round((performance.now() - started) * 100) / 100;
        const database = { status: 'ok', engine: info.engine, latencyMs, journalMode: info.journalMode };
        const maintenance = ctx.deps.maintenance.on;
        sendJson(ctx.res, 200, { status: 'ok', version, environment, maintenance, checks: { database } });
      } catch (error) {
        // The reason goes to stderr, not to the (possibly public) response.
        process.stderr.write(`rollgate-demo: health check: database failed: ${(error as Error).message}\n`);
        const database = { status: 'error', engine: info.engine, error: 'database query failed' };
        const maintenance = ctx.deps.maintenance.on;
        sendJson(ctx.res, 503, { status: 'error', version, environment, maintenance, checks: { database } });
      }
    },
  },
  {
    method: 'GET',
    path: '/.well-known/jwks.json',
    handler(ctx) {
      // The no-jwks fault: the key set is not published here (a lost rewrite), as a plain 404.
      if (!ctx.deps.faults.jwks) throw new HttpError(404, 'Page not found.');
      sendJson(ctx.res, 200, JWKS);
    },
  },
  {
    method: 'GET',
    path: '/api/version',
    handler: (ctx) => sendJson(ctx.res, 200, { version: ctx.deps.version }),
  },
  {
    method: 'GET',
    path: '/api/metrics',
    async handler(ctx) {
      const { registry } = ctx.deps.metrics;
      const body = await registry.metrics();
      ctx.res.statusCode = 200;
      ctx.res.setHeader('Content-Type', registry.contentType);
      ctx.res.setHeader('Cache-Control', 'no-store');
      ctx.res.end(body);
    },
  },
  {
    method: 'GET',
    path: '/api/rate-probe',
    // Rate limited (see rate-limit.ts) and called by nothing but the harness's rate-limit probe.
    handler: (ctx) => sendJson(ctx.res, 200, { status: 'ok' }),
  },
  {
    method: 'POST',
    path: '/api/preferences/noop',
    // CSRF-protected like every form, and its success changes nothing: a safe target for the CSRF probe.
    async handler(ctx) {
      const session = await currentSession(ctx);
      if (!session) return sendJson(ctx.res, 401, { error: 'unauthorized' });
      requireCsrf(ctx, await readForm(ctx.req), { session });
      sendJson(ctx.res, 200, { status: 'ok', changed: false });
    },
  },
  {
    method: 'GET',
    path: '/api/estimates',
    async handler(ctx) {
      const session = await currentSession(ctx);
      if (!session) return sendJson(ctx.res, 401, { error: 'unauthorized' });
      const estimates = await ctx.deps.store.listEstimates(session.userId);
      sendJson(ctx.res, 200, {
        estimates: estimates.map((e) => ({ ...e, total: formatCents(e.totalCents) })),
      });
    },
  },
];
