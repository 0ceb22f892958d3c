import type { Route } from '../context.ts';
import { dummyPasswordHash, verifyPassword } from '../db/password.ts';
import { parseCookies, readForm, redirect, sendHtml } from '../http.ts';
import { loginPage } from '../pages/login.ts';
import {
  clearCookie,
  currentSession,
  ensurePresession,
  PRESESSION_COOKIE,
  presessionCsrfToken,
  requireCsrf,
  SESSION_COOKIE,
  setSessionCookie,
} from '../session.ts';
import { baseView } from './view.ts';

const INVALID_LOGIN = 'Invalid username or password';

export const authRoutes: Route[] = [
  {
    method: 'GET',
    path: '/',
    async handler(ctx) {
      redirect(ctx.res, (await currentSession(ctx)) ? '/estimates' : '/login');
    },
  },
  {
    method: 'GET',
    path: '/login',
    async handler(ctx) {
      if (await currentSession(ctx)) return redirect(ctx.res, '/estimates');
      const csrf = presessionCsrfToken(ctx, ensurePresession(ctx));
      sendHtml(ctx.res, 200, loginPage(baseView(ctx), { csrf }));
    },
  },
  {
    method: 'POST',
    path: '/login',
    async handler(ctx) {
      const form = await readForm(ctx.req);
      const presession = parseCookies(ctx.req).get(PRESESSION_COOKIE);
      requireCsrf(ctx, form, { presession });
      const username = (form.get('username') ?? '').trim();
      const password = form.get('password') ?? '';
      const user = username ? await ctx.deps.store.findUserByName(username) : undefined;
      // Always pay for one scrypt, so timing does not tell a wrong username from a wrong password.
      const valid = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
      if (!user || !valid) {
        const csrf = presessionCsrfToken(ctx, ensurePresession(ctx));
        return sendHtml(ctx.res, 401, loginPage(baseView(ctx), { csrf, username, error: INVALID_LOGIN }));
      }
      // A fresh id on every login: a session id planted before login is never promoted.
      const session = await ctx.deps.store.createSession(user.id);
      setSessionCookie(ctx, session);
      clearCookie(ctx, PRESESSION_COOKIE);
      redirect(ctx.res, '/estimates');
    },
  },
  {
    method: 'POST',
    path: '/logout',
    async handler(ctx) {
      const form = await readForm(ctx.req);
      const session = await currentSession(ctx);
      if (session) {
        requireCsrf(ctx, form, { session });
        await ctx.deps.store.deleteSession(session.id);
      }
      clearCookie(ctx, SESSION_COOKIE);
      redirect(ctx.res, '/login');
    },
  },
];
