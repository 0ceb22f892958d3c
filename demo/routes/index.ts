import type { Route } from '../context.ts';
import { maintenanceRoutes } from '../maintenance.ts';
import { apiRoutes } from './api.ts';
import { authRoutes } from './auth.ts';
import { estimateRoutes } from './estimates.ts';
import { staticRoutes } from './static.ts';
import { telemetryRoutes } from './telemetry.ts';

export type RouteMatch = { route: Route } | { allowed: string[]; path: string } | undefined;

/** Every route the demo serves (the metrics pre-create a request counter for each). */
export function allRoutes(): Route[] {
  return [
    ...authRoutes,
    ...estimateRoutes,
    ...apiRoutes,
    ...maintenanceRoutes,
    ...telemetryRoutes,
    ...staticRoutes(),
  ];
}

export function createRouter(
  routes: readonly Route[] = allRoutes(),
): (method: string, path: string) => RouteMatch {
  return (method, path) => {
    const candidates = routes.filter((route) => route.path === path);
    if (candidates.length === 0) return undefined;
    // HEAD is answered by the GET handler; Node drops the body.
    const wanted = method === 'HEAD' ? 'GET' : method;
    const route = candidates.find((candidate) => candidate.method === wanted);
    if (route) return { route };
    const allowed: string[] = candidates.map((candidate) => candidate.method);
    if (allowed.includes('GET')) allowed.push('HEAD');
    return { allowed, path };
  };
}
