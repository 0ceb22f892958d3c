import { defineLoadProfile } from 'rollgate';

/**
 * The demo's canary load: mostly the liveness probe, plus the signed-in estimates page and the
 * login page, as a real visitor mix. Logs in through the golden-path form with the smoke user.
 */
export default defineLoadProfile({
  name: 'canary',
  description: 'Health, signed-in estimates and the login page, 4 visitors back to back',
  endpoints: [
    { name: 'simple-health', path: '/api/simple-health', weight: 3 },
    // A lost session redirects to /login (302): only 200 is the page a signed-in user sees.
    { name: 'estimates', path: '/estimates', weight: 1, expectStatus: [200] },
    { name: 'login-page', path: '/login', weight: 1 },
  ],
  auth: { login: { path: '/login', usernameEnv: 'SMOKE_USER', passwordEnv: 'SMOKE_PASSWORD' } },
  // A closed model: 4 connections, each sending its next request when the last one is answered.
  // Steady load suits the baseline-versus-canary comparison, whose slices are shorter than the
  // one-second windows in which autocannon enforces an arrival rate (a rate makes each slice
  // open with a burst). health.profile.json shows the open model (arrivalRate).
  connections: 4,
  duration: '3s',
  warmup: '1s',
  stages: ['staging', 'canary', 'production'],
});
