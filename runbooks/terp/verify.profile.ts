import { defineLoadProfile } from 'rollgate';

/**
 * Post-deployment traffic for TERP's rollback criteria: the same mix sent to the new release and
 * to the previous one, interleaved, so their error rates and p95 latencies compare. Signed in
 * through the login form with the smoke account; the orders list is what users open most.
 */
export default defineLoadProfile({
  name: 'terp-verify',
  description: 'Orders list, API, health and the login page, 4 users back to back on each side',
  endpoints: [
    // A lost session redirects to /login (302): only 200 is the page a signed-in user sees.
    { name: 'orders', path: '/estimates', weight: 2, expectStatus: [200] },
    { name: 'orders-api', path: '/api/estimates', weight: 2, expectStatus: [200] },
    { name: 'health', path: '/api/health', weight: 1 },
    { name: 'login-page', path: '/login', weight: 1 },
  ],
  auth: { login: { path: '/login', usernameEnv: 'SMOKE_USER', passwordEnv: 'SMOKE_PASSWORD' } },
  connections: 4,
  duration: '4s',
  warmup: '1s',
  stages: ['verify'],
});
