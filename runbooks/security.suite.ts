import {
  checkCors,
  checkCsrf,
  checkRateLimit,
  checkSecurityHeaders,
  checkSessionCookies,
  combine,
  type LoginSpec,
  report,
} from 'rollgate/checks';
import { check, describe, ObservationError, type TargetContext, type VitestCheckApi } from 'rollgate/vitest';

type Security = NonNullable<TargetContext['target']['security']>;

/** The target's security declaration; a target without one has nothing these probes could judge. */
function security(c: VitestCheckApi): Security {
  const s = c.context.target.security;
  if (!s) c.notApplicable('the target declares no security settings (target.security)');
  return s!;
}

/** The same account the golden paths use; the password is read here and sent only in the form. */
function login(SECURITY: Security): LoginSpec {
  const password = process.env.SMOKE_PASSWORD;
  if (!password) {
    throw new ObservationError(
      'SMOKE_PASSWORD is not set: this check logs in as SMOKE_USER through the login form',
      'ROLLGATE_MISSING_ENV',
    );
  }
  return { path: SECURITY.login.path, username: process.env.SMOKE_USER ?? 'demo', password };
}

/** Response security policy: headers, session cookies, CORS, rate limit, CSRF. */
describe('security', () => {
  check(
    'responses carry the security headers (Mozilla Observatory and OWASP values)',
    async (c) => {
      // Every page is assessed before failing, so one run names every missing header on each.
      const SECURITY = security(c);
      const parts = [];
      for (const path of SECURITY.headerPaths)
        parts.push([path, await checkSecurityHeaders(c.context.baseURL + path)] as const);
      report(c, combine('security headers', parts));
    },
    { id: 'security/headers' },
  );

  check(
    'session cookies are HttpOnly, SameSite and Secure on HTTPS',
    async (c) => {
      report(c, await checkSessionCookies(c.context.baseURL, login(security(c))));
    },
    { id: 'security/session-cookie' },
  );

  check(
    'an untrusted Origin is not allowed with credentials',
    async (c) => {
      const SECURITY = security(c);
      const url = c.context.baseURL + SECURITY.corsPath;
      report(c, await checkCors(url, { origin: SECURITY.corsUntrustedOrigin }));
    },
    { id: 'security/cors' },
  );

  check(
    'requests over the declared limit get 429 with Retry-After',
    async (c) => {
      const { rateLimit } = security(c);
      if (!rateLimit) c.notApplicable('the target declares no rate-limited route (security.rateLimit)');
      report(c, await checkRateLimit(c.context.baseURL, rateLimit!));
    },
    // It uses up the probe route's window: a change to the target, if a harmless one.
    { id: 'security/rate-limit', mutates: true },
  );

  check(
    'a state-changing request without a CSRF token is refused',
    async (c) => {
      const SECURITY = security(c);
      if (!SECURITY.csrfProbe)
        c.notApplicable('the target declares no CSRF probe endpoint (security.csrfProbe)');
      report(c, await checkCsrf(c.context.baseURL, { ...SECURITY.csrfProbe!, login: login(SECURITY) }));
    },
    { id: 'security/csrf', mutates: true },
  );
});
