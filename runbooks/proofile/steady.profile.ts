import { defineLoadProfile } from 'rollgate';

/**
 * Production-like traffic at a steady arrival rate (an open model): the same visitor mix as the
 * canary's, at a rate the stand-in serves without saturating, so CPU and memory read as they would
 * under real traffic rather than under a stress test.
 *
 * Sized by what it must resolve, not by the rate alone: 3,000 requests resolve a 0.1% error rate
 * (the rule of three, the guard of `metrics/error-ratio` and of the load's `error-rate` budget).
 * 25 s at 350 a second is 8,750; a busy machine falls behind the rate (a loaded CI machine answered
 * about 235 a second), and still reaches 3,000 as long as it answers 120 a second. Below that the
 * guards make the stage inconclusive (HOLD, with the count), never a pass on too few requests.
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
  duration: '25s',
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
