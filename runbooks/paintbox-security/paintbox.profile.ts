import { defineLoadProfile } from 'rollgate';

/**
 * The performance stage's traffic on the stand-in: health probes, the signed-in estimates page and
 * the estimates API, whose every answer carries each estimate's total as the database calculates
 * it (`estimate-totals`, judged by the calculation budget), and the login page. The metric checks
 * judge what the app reports under it (latency histogram, cache, connections, memory, CPU).
 */
export default defineLoadProfile({
  name: 'paintbox',
  description: 'Health, the estimates page and API (totals), the login page; 4 visitors back to back',
  endpoints: [
    { name: 'simple-health', path: '/api/simple-health', weight: 2 },
    // A lost session redirects to /login (302): only 200 is what a signed-in user sees.
    { name: 'estimates-page', path: '/estimates', weight: 1, expectStatus: [200] },
    { name: 'estimate-totals', path: '/api/estimates', weight: 2, expectStatus: [200] },
    { name: 'login-page', path: '/login', weight: 1 },
  ],
  auth: { login: { path: '/login', usernameEnv: 'SMOKE_USER', passwordEnv: 'SMOKE_PASSWORD' } },
  connections: 4,
  duration: '5s',
  warmup: '1s',
  stages: ['performance'],
});
