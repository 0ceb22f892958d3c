import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Route } from '../context.ts';

/** Read once at start-up: the files are tiny and never change while the server runs. */
function asset(path: string, name: string, contentType: string, late = false): Route {
  const body = readFileSync(new URL(`../static/${name}`, import.meta.url));
  return {
    method: 'GET',
    path,
    async handler(ctx) {
      // The slow-lcp fault: the hero script arrives late, so the largest paint does too.
      if (late && ctx.deps.faults.lateHeroMs > 0) await sleep(ctx.deps.faults.lateHeroMs);
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
    asset('/static/late-hero.js', 'late-hero.js', 'text/javascript; charset=utf-8', true),
  ];
}
