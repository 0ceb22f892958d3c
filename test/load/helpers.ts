import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseLoadProfile } from '../../src/checks/load/profile.ts';
import { tempDirs as sharedTempDirs } from '../unit/helpers.ts';

export const ROOT = join(import.meta.dirname, '../..');
/** The k6 stand-in that replays recorded real k6 output (see its header). */
export const FAKE_K6 = join(ROOT, 'test/fixtures/k6/fake-k6.mjs');

/** Fresh temp directories; `cleanup` removes them (call it in afterAll). */
export const tempDirs = () => sharedTempDirs('rollgate-load-test-');

/** A signed-in canary profile with a warm-up, as the demo runbook would declare one. */
export const canaryProfile = parseLoadProfile({
  name: 'canary',
  endpoints: [
    { name: 'simple-health', path: '/api/simple-health', weight: 3 },
    { name: 'estimates', path: '/estimates', expectStatus: [200] },
  ],
  auth: { login: { usernameEnv: 'SMOKE_USER', passwordEnv: 'SMOKE_PASSWORD' } },
  arrivalRate: 50,
  connections: 5,
  duration: '4s',
  warmup: '1s',
  stages: ['canary'],
});

export const budgets = [
  { name: 'p95-latency', operator: '<=' as const, value: 500 },
  { name: 'error-rate', operator: '<' as const, value: 0.01 },
];

/** Environment selecting the k6 stand-in and the recording it replays. */
export const fakeK6Env = (replay: string, extra: Record<string, string> = {}) => ({
  K6_BIN: FAKE_K6,
  FAKE_K6_REPLAY: replay,
  ...extra,
});

/**
 * Imports a k6 script in Node with minimal stand-ins for k6's modules, to read what it exports.
 * `modules` replaces the stand-in source of `k6` (index) or `k6/http` where a test needs them to act.
 */
export async function importWithK6Stubs(
  dir: string,
  source: string,
  modules: { index?: string; http?: string } = {},
): Promise<Record<string, unknown>> {
  const k6 = join(dir, 'node_modules/k6');
  mkdirSync(k6, { recursive: true });
  const exports = { '.': './index.js', './http': './http.js', './execution': './execution.js' };
  writeFileSync(join(k6, 'package.json'), JSON.stringify({ name: 'k6', type: 'module', exports }));
  // k6 provides __ENV as a global; the module is evaluated before the script body that reads it.
  writeFileSync(
    join(k6, 'index.js'),
    modules.index ??
      'globalThis.__ENV ??= {}; export const check = () => true; export const fail = (m) => { throw new Error(m); };',
  );
  writeFileSync(
    join(k6, 'http.js'),
    modules.http ??
      'export default { expectedStatuses: (...s) => ({ expected: s }), get() {}, request() {} };',
  );
  writeFileSync(join(k6, 'execution.js'), 'export default { scenario: { iterationInTest: 0 } };');
  writeFileSync(join(dir, 'script.mjs'), source);
  return import(pathToFileURL(join(dir, 'script.mjs')).href);
}

/** A plain HTTP server on 127.0.0.1 and a random port. */
export function listen(handler: Parameters<typeof createServer>[1]): Promise<Server> {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
export const serverURL = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
export function closeServer(s: Server): Promise<void> {
  s.closeAllConnections();
  return new Promise((resolve) => s.close(() => resolve()));
}
