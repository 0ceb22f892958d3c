import { readFileSync } from 'node:fs';
import type { Route } from '../context.ts';

/** Read once at start-up: the files are tiny and never change while the server runs. */
function asset(path: string, name: string, contentType: string): Route {
  const body = readFileSync(new URL(`../static/${name}`, import.meta.url));
  return {
    method: 'GET',
    path,
    handler(ctx) {
      ctx.res.statusCode = 200;
      ctx.res.setHeader('Content-Type', contentType);
      ctx.res.setHeader('Cache-Control', 'public, max-age=300');
      ctx.res.end(body);
    },
  };
}

export function staticRoutes(): Route[] {
  return [
    asset('/static/app.css', 'app.css', 'text/css; charset=utf-8'),
    asset('/static/favicon.svg', 'favicon.svg', 'image/svg+xml'),
  ];
}
