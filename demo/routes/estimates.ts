import type { Route } from '../context.ts';
import { parseEstimateForm } from '../estimate-form.ts';
import { readForm, redirect, sendHtml } from '../http.ts';
import { estimatesPage, newEstimatePage } from '../pages/estimates.ts';
import { currentSession, requireCsrf, sessionCsrfToken } from '../session.ts';
import { baseView } from './view.ts';

export const estimateRoutes: Route[] = [
  {
    method: 'GET',
    path: '/estimates',
    async handler(ctx) {
      const session = await currentSession(ctx);
      if (!session) return redirect(ctx.res, '/login');
      const estimates = await ctx.deps.store.listEstimates(session.userId);
      sendHtml(
        ctx.res,
        200,
        estimatesPage(baseView(ctx, session), estimates, sessionCsrfToken(ctx, session)),
      );
    },
  },
  {
    method: 'GET',
    path: '/estimates/new',
    async handler(ctx) {
      const session = await currentSession(ctx);
      if (!session) return redirect(ctx.res, '/login');
      sendHtml(
        ctx.res,
        200,
        newEstimatePage(baseView(ctx, session), { csrf: sessionCsrfToken(ctx, session) }),
      );
    },
  },
  {
    method: 'POST',
    path: '/estimates',
    async handler(ctx) {
      const session = await currentSession(ctx);
      if (!session) return redirect(ctx.res, '/login');
      const form = await readForm(ctx.req);
      requireCsrf(ctx, form, { session });
      const result = parseEstimateForm(form);
      if (!result.ok) {
        const page = newEstimatePage(baseView(ctx, session), {
          csrf: sessionCsrfToken(ctx, session),
          values: result.values,
          error: result.message,
        });
        return sendHtml(ctx.res, 400, page);
      }
      await ctx.deps.store.createEstimate(session.userId, result.title, result.items);
      redirect(ctx.res, '/estimates');
    },
  },
  {
    // Lets golden paths remove the records they created (in a finally), so smoke tests leave no trace.
    method: 'POST',
    path: '/estimates/delete',
    async handler(ctx) {
      const session = await currentSession(ctx);
      if (!session) return redirect(ctx.res, '/login');
      const form = await readForm(ctx.req);
      requireCsrf(ctx, form, { session });
      const id = Number(form.get('id'));
      if (!Number.isInteger(id) || id <= 0) return sendHtml(ctx.res, 400, 'Bad estimate id');
      await ctx.deps.store.deleteEstimate(session.userId, id);
      redirect(ctx.res, '/estimates');
    },
  },
];
