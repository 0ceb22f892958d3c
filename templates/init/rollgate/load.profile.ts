import { defineLoadProfile } from 'rollgate';

/**
 * A small load of the health path for the canary stage, judged by the stage's budgets (p95
 * latency, error rate). Add the pages customers use, each with a weight; `auth` logs in through a
 * form first. Only loopback is loaded unless `hosts` names the deployment's host (the stage's
 * `load.hosts` in rollgate.runbook.ts too).
 */
export default defineLoadProfile({
  name: 'health',
  description: 'The health endpoint, 2 visitors back to back for 5 seconds',
  // The same path as targets.app.health.live in rollgate.runbook.ts.
  endpoints: [{ name: 'health', path: '/healthz', weight: 1, expectStatus: [200] }],
  connections: 2,
  duration: '5s',
  warmup: '1s',
  stages: ['canary'],
  hosts: [],
});
