import type { RequestContext } from '../context.ts';
import type { SessionRecord } from '../db/store.ts';
import type { LayoutView } from '../pages/layout.ts';
import { sessionCsrfToken } from '../session.ts';

/** Golden-path pages the slow-lcp fault slows down (the hero script is served late). */
const LATE_HERO_PAGES = new Set(['/login', '/estimates']);

/** The layout fields every page shares; with a session, the header shows the user and sign-out. */
export function baseView(ctx: RequestContext, session?: SessionRecord): LayoutView {
  const view: LayoutView = { title: '', version: ctx.deps.version, environment: ctx.deps.environment };
  if (ctx.deps.faults.lateHeroMs > 0 && LATE_HERO_PAGES.has(ctx.url.pathname)) view.lateHero = true;
  if (!ctx.deps.faults.accessibleMarkup) view.inaccessible = true;
  if (session) view.user = { username: session.username, csrf: sessionCsrfToken(ctx, session) };
  return view;
}
