/**
 * In-memory fixed-window rate limiting, keyed by client and route: one client hammering one route
 * never uses up another route's budget, so the harness's rate-limit probe (which alone calls
 * `/api/rate-probe`) cannot starve golden paths or load runs from the same address.
 */

export interface RateLimitRule {
  method: string;
  path: string;
  limit: number;
  windowSeconds: number;
}

/** The routes that are limited. Real routes get an entry here with their own budget. */
export const RATE_LIMITS: readonly RateLimitRule[] = [
  // The probe route: small enough to exceed in a few requests, short enough for a retry to pass.
  { method: 'GET', path: '/api/rate-probe', limit: 5, windowSeconds: 10 },
];

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Window {
  /** Epoch ms when this window closes; the window opens at the key's first request. */
  resetAt: number;
  count: number;
}

/** Windows kept before a sweep of the closed ones, so many clients cannot grow memory unbounded. */
const SWEEP_AT = 10_000;

export function createRateLimiter(
  rules: readonly RateLimitRule[] = RATE_LIMITS,
  now: () => number = Date.now,
) {
  const windows = new Map<string, Window>();
  const byRoute = new Map(rules.map((r) => [`${r.method} ${r.path}`, r]));
  return {
    /** Counts one request of `client` on `method path`; unlimited routes are always allowed. */
    hit(client: string, method: string, path: string): RateDecision {
      const rule = byRoute.get(`${method === 'HEAD' ? 'GET' : method} ${path}`);
      if (!rule) return { allowed: true };
      const t = now();
      if (windows.size >= SWEEP_AT) for (const [k, w] of windows) if (w.resetAt <= t) windows.delete(k);
      const key = `${client} ${rule.method} ${rule.path}`;
      let w = windows.get(key);
      if (!w || w.resetAt <= t) {
        w = { resetAt: t + rule.windowSeconds * 1000, count: 0 };
        windows.set(key, w);
      }
      w.count += 1;
      if (w.count <= rule.limit) return { allowed: true };
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((w.resetAt - t) / 1000)) };
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
