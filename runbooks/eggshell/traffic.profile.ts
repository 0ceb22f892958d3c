import { defineLoadProfile } from 'rollgate';

/**
 * The canary's real-traffic stand-in: the load balancer's health probe, the signed-in estimates
 * list (read through the cache), the login page and the telemetry widget's poll, at a steady 250
 * requests a second (an open model: CPU and memory are judged on traffic, not on a stress test).
 * Against canary and baseline in 8 alternating slices of 1.5 s a side: 3,000 requests reach the
 * canary, what the 0.1% error target needs (the rule of three); alone (production), 14 s: 3,500.
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
  duration: '14s',
  warmup: '1s',
  stages: ['canary', 'production'],
});
