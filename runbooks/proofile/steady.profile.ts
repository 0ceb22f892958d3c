import { defineLoadProfile } from 'rollgate';

/**
 * Production-like traffic at a steady arrival rate (an open model): the same visitor mix as the
 * canary's, at a rate the stand-in serves without saturating, so CPU and memory read as they would
 * under real traffic rather than under a stress test. 3,000 requests resolve a 0.1% error rate
 * (the rule of three; 15 s at 350 a second leave room on a busy machine, which falls behind the rate).
 */
export default defineLoadProfile({
  name: 'steady',
  description: 'Health, signed-in estimates list and login page at 350 requests a second',
  endpoints: [
    { name: 'simple-health', path: '/api/simple-health', weight: 3 },
    { name: 'estimates', path: '/estimates', weight: 2, expectStatus: [200] },
    { name: 'login-page', path: '/login', weight: 1 },
  ],
  auth: { login: { path: '/login', usernameEnv: 'SMOKE_USER', passwordEnv: 'SMOKE_PASSWORD' } },
  arrivalRate: 350,
  connections: 20,
  duration: '15s',
  warmup: '1s',
  stages: [
    'staging',
    'graduated',
    'production',
    'soak',
    'staging-soak',
    'day-1',
    'day-7',
    'weeks-2-4',
    'rollback',
  ],
});
