import { defineLoadProfile } from 'rollgate';

/**
 * The canary's load: a visitor mix (liveness, the signed-in estimates list, the login page) sent
 * back to back by 4 virtual users, interleaved against the baseline in slices. A closed model keeps
 * each slice steady for the comparison; it saturates the stand-in, so no CPU rule judges it.
 */
export default defineLoadProfile({
  name: 'interleaved',
  description:
    'Canary against baseline: health, signed-in estimates list and login page, 4 users back to back',
  endpoints: [
    { name: 'simple-health', path: '/api/simple-health', weight: 3 },
    // A lost session redirects to /login (302): only 200 is the page a signed-in user sees.
    { name: 'estimates', path: '/estimates', weight: 2, expectStatus: [200] },
    { name: 'login-page', path: '/login', weight: 1 },
  ],
  auth: { login: { path: '/login', usernameEnv: 'SMOKE_USER', passwordEnv: 'SMOKE_PASSWORD' } },
  connections: 4,
  duration: '3s',
  warmup: '1s',
  stages: ['canary'],
});
