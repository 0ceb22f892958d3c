import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppDeps, Route } from './context.ts';
import { HttpError, parseCookies, sendHtml, sendJson } from './http.ts';
import { html } from './pages/html.ts';
import { layout } from './pages/layout.ts';
import { SESSION_COOKIE } from './session.ts';

/**
 * Maintenance mode, as a deployment switches it on around a migration: anonymous visitors get a
 * 503 page, signed-in operators still get through to test, and the API (health among it) keeps
 * answering. One flag per process, in memory, off at start.
 */
export interface MaintenanceMode {
  on: boolean;
  /** DEMO_ADMIN_TOKEN: the bearer token the admin endpoints require; without it they answer 404. */
  readonly adminToken?: string;
}

export function createMaintenanceMode(adminToken?: string): MaintenanceMode {
  return { on: false, ...(adminToken ? { adminToken } : {}) };
}

/** What the 503 asks clients to wait before they retry, in seconds. */
export const RETRY_AFTER_SECONDS = 30;

/** Paths maintenance never blocks: the API, signing in and out, admin, well-known files and static assets. */
export function exemptFromMaintenance(path: string): boolean {
  return (
    path.startsWith('/api/') ||
    path === '/login' ||
    path === '/logout' ||
    path.startsWith('/admin/') ||
    path.startsWith('/.well-known/') ||
    path.startsWith('/static/') ||
    path === '/favicon.ico'
  );
}

async function signedIn(deps: AppDeps, req: IncomingMessage): Promise<boolean> {
  const id = parseCookies(req).get(SESSION_COOKIE);
  if (!id) return false;
  try {
    return Boolean(await deps.store.getSession(id));
  } catch {
    return false; // a database that cannot answer lets nobody past the maintenance page
  }
}

/**
 * Answers an anonymous request for a page with the 503 maintenance page while the mode is on
 * (security headers are already set by the pipeline); true when it did, and the request is done.
 */
export async function answerMaintenance(
  deps: AppDeps,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  if (!deps.maintenance.on || exemptFromMaintenance(path)) return false;
  if (await signedIn(deps, req)) return false;
  res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
  const view = { title: 'Maintenance', version: deps.version, environment: deps.environment };
  sendHtml(
    res,
    503,
    layout(
      view,
      html`<section class="card narrow">
        <h1>Down for maintenance</h1>
        <p role="status">We are updating the estimates demo. Please try again in a few minutes.</p>
      </section>`,
    ),
  );
  return true;
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1]!);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** `POST /admin/maintenance/<action>` with `Authorization: Bearer <DEMO_ADMIN_TOKEN>`. */
function adminRoute(action: 'enable' | 'disable'): Route {
  return {
    method: 'POST',
    path: `/admin/maintenance/${action}`,
    handler(ctx) {
      const { maintenance, faults } = ctx.deps;
      // Not configured: the endpoints do not exist, as far as anyone can tell.
      if (!maintenance.adminToken) throw new HttpError(404, 'Page not found.');
      if (!bearerMatches(ctx.req.headers.authorization, maintenance.adminToken)) {
        ctx.res.setHeader('WWW-Authenticate', 'Bearer');
        return sendJson(ctx.res, 401, { error: 'unauthorized' });
      }
      // The maintenance-stuck fault: disabling is acknowledged, and nothing changes.
      if (action === 'enable') maintenance.on = true;
      else if (!faults.maintenanceStuck) maintenance.on = false;
      sendJson(ctx.res, 200, { status: 'ok' });
    },
  };
}

export const maintenanceRoutes: Route[] = [adminRoute('enable'), adminRoute('disable')];
