import { defineLoadProfile } from 'rollgate';

/**
 * Paintbox's traffic stand-in during a rolling deploy: the load balancer's simple health check,
 * the deep health, the login page and the signed-in estimates list, at a steady 100 requests a
 * second for 10 s (an open model, so response times are judged on traffic, not on a stress test).
 */
export default defineLoadProfile({
  name: 'paintbox-traffic',
  description: 'Simple and deep health, login page and signed-in estimates at 100 requests/s',
  endpoints: [
    { name: 'simple-health', path: '/api/simple-health', weight: 4 },
    { name: 'deep-health', path: '/api/health', weight: 1, expectStatus: [200] },
    { name: 'login-page', path: '/login', weight: 2 },
    // A lost session redirects to /login (302): only 200 is the page a signed-in user sees.
    { name: 'estimates', path: '/estimates', weight: 2, expectStatus: [200] },
  ],
  auth: { login: { path: '/login', usernameEnv: 'SMOKE_USER', passwordEnv: 'SMOKE_PASSWORD' } },
  arrivalRate: 100,
  connections: 10,
  duration: '10s',
  warmup: '1s',
  stages: ['production'],
});
