import type { RequestContext } from '../context.ts';
import type { SessionRecord } from '../db/store.ts';
import type { LayoutView } from '../pages/layout.ts';
import { sessionCsrfToken } from '../session.ts';

/** The layout fields every page shares; with a session, the header shows the user and sign-out. */
export function baseView(ctx: RequestContext, session?: SessionRecord): LayoutView {
  const view: LayoutView = { title: '', version: ctx.deps.version, environment: ctx.deps.environment };
  if (session) view.user = { username: session.username, csrf: sessionCsrfToken(ctx, session) };
  return view;
}
