import { defineLoadProfile } from 'rollgate';

/**
 * The canary's real-traffic stand-in: the load balancer's health probe, the signed-in estimates
 * list (read through the cache), the login page and the telemetry widget's poll, at a steady 250
 * requests a second (an open model: CPU and memory are judged on traffic, not on a stress test).
 * The 0.1% error target needs 3,000 requests (the rule of three), and a busy machine falls behind
 * the rate, so the load is sized with room: against canary and baseline, 12 alternating slices of
 * 1.5 s a side send the canary 4,500; alone (production), 20 s send 5,000. Fewer than 3,000 leave
 * the error rate inconclusive (HOLD), never passed.
 */
export default defineLoadProfile({
  name: 'eggshell-traffic',
  description: 'Health, signed-in estimates, login page and telemetry at 250 requests/s',
  endpoints: [
    { name: 'simple-health', path: '/api/simple-health', weight: 3 },
    // A lost session redirects to /login (302): only 200 is the page a signed-in user sees.
    { name: 'estimates', path: '/estimates', weight: 2, expectStatus: [200] },
    { name: 'login-page', path: '/login', weight: 1 },
    { name: 'telemetry', path: '/api/telemetry', weight: 1, expectStatus: [200] },
  ],
  auth: { login: { path: '/login', usernameEnv: 'SMOKE_USER', passwordEnv: 'SMOKE_PASSWORD' } },
  arrivalRate: 250,
  connections: 10,
  duration: '20s',
  warmup: '1s',
  stages: ['canary', 'production'],
});
