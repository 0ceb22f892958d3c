import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleK6Script } from '../../src/checks/load/k6-bundle.ts';
import { profileToK6Script } from '../../src/checks/load/k6-script.ts';
import { k6Thresholds } from '../../src/checks/load/k6-thresholds.ts';
import { budgets, canaryProfile, importWithK6Stubs, ROOT, tempDirs } from './helpers.ts';

const dirs = tempDirs();
const temp = () => dirs.make();
afterAll(() => dirs.cleanup());

describe('profile → k6 script', () => {
  it('thresholds come from the budgets, on the measured scenario only', () => {
    expect(k6Thresholds(budgets, 'load')).toEqual({
      'http_req_duration{scenario:load}': ['max>=0', 'p(95)<=500'],
      'http_req_failed{scenario:load}': ['rate>=0', 'rate<0.01'],
      'http_reqs{scenario:load}': ['count>=0'],
    });
    expect(k6Thresholds([{ name: 'median', operator: '<', value: 50, endpoint: 'estimates' }])).toEqual({
      'http_req_duration{name:estimates}': ['med<50'],
    });
    expect(() => k6Thresholds([{ name: 'p95', operator: '<', value: 1, endpoint: 'a,b' }])).toThrow(
      /cannot hold/,
    );
  });

  it('is valid JavaScript whose options hold a warm-up scenario, the load scenario and the thresholds', async () => {
    const source = profileToK6Script(canaryProfile, { baseURL: 'http://127.0.0.1:4321/', budgets });
    expect(source).not.toContain('demo-password');
    expect(source).toContain('const BASE = "http://127.0.0.1:4321";');
    const mod = await importWithK6Stubs(temp(), source);
    const options = mod.options as { scenarios: Record<string, Record<string, unknown>>; thresholds: object };
    expect(options.scenarios.warmup).toMatchObject({
      executor: 'constant-arrival-rate',
      rate: 50,
      timeUnit: '1s',
      duration: '1000ms',
      gracefulStop: '0s',
    });
    expect(options.scenarios.load).toMatchObject({
      rate: 50,
      duration: '4000ms',
      startTime: '1000ms',
      preAllocatedVUs: 5,
    });
    expect(options.thresholds).toEqual(k6Thresholds(budgets, 'load'));
    expect(typeof mod.setup).toBe('function');
    expect(typeof mod.default).toBe('function');
  });

  it('bundles a hand-written .k6.ts, keeping its exports and adding the runbook thresholds', async () => {
    const js = await bundleK6Script(join(ROOT, 'load/smoke.k6.ts'), {
      thresholds: { http_req_duration: ['p(95)<=500'], checks: ['rate>0.999'] },
      force: { blacklistIPs: ['10.0.0.0/8'] },
    });
    expect(js).not.toMatch(/: Options|import type/);
    const mod = await importWithK6Stubs(temp(), js);
    expect(typeof mod.default).toBe('function');
    expect(mod.options).toMatchObject({
      vus: 2,
      duration: '3s',
      blacklistIPs: ['10.0.0.0/8'],
      thresholds: { checks: ['rate>0.99', 'rate>0.999'], http_req_duration: ['p(95)<=500'] },
    });
  });

  it('a script that does not compile is an error naming the file and line', async () => {
    const bad = join(temp(), 'bad.k6.ts');
    writeFileSync(bad, 'export default function ( {');
    await expect(bundleK6Script(bad, { thresholds: {} })).rejects.toThrow(
      /bad\.k6\.ts: cannot bundle the k6 script: .*line 1/,
    );
  });
});
