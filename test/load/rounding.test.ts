import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeMeasurement, displayNumber } from '../../src/checks/budget.ts';
import { parseLoadProfile } from '../../src/checks/load/profile.ts';
import { runLoadProfile } from '../../src/checks/load/run-profile.ts';
import { reasonFor } from '../../src/engine/policy.ts';
import type { Measurement } from '../../src/model/measurement.ts';
import { consoleReport } from '../../src/reporters/console.ts';
import { markdownSummary } from '../../src/reporters/markdown.ts';
import { writeVerdict } from '../../src/reporters/verdict-file.ts';
import { makeCheck, makeMeasurement, makeVerdict } from '../unit/helpers.ts';
import { closeServer, listen, serverURL, tempDirs } from './helpers.ts';

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

describe('numbers rounded for reading, raw in verdict.json', () => {
  it('milliseconds to 2 decimals (2 significant digits below 0.01); other units to 4 significant digits', () => {
    expect(displayNumber(0.35386399999999996, 'ms')).toBe('0.35');
    expect(displayNumber(812.3456, 'ms')).toBe('812.35');
    expect(displayNumber(0.004567, 'ms')).toBe('0.0046');
    expect(displayNumber(0.0033333333333333335, 'ratio')).toBe('0.003333');
    expect(displayNumber(48.76543, 'req/s')).toBe('48.77');
    expect(displayNumber(0.30000000000000004)).toBe('0.3');
    expect(displayNumber(1200, 'ms')).toBe('1200');
    expect(displayNumber('1.4.0')).toBe('1.4.0');
  });

  it('a measurement line rounds the value, and the computed expected value loses its float noise', () => {
    const m = makeMeasurement({ actual: 0.35386399999999996, expected: 0.1 + 0.2, passed: false });
    expect(describeMeasurement(m)).toBe('p95-latency: 0.35 ms violates <= 0.3 ms (1200 samples)');
  });

  it('a value rounding would put on the other side of the rule keeps its digits', () => {
    const over = makeMeasurement({ actual: 500.004, expected: 500, passed: false });
    expect(describeMeasurement(over)).toBe('p95-latency: 500.004 ms violates <= 500 ms (1200 samples)');
    const under = makeMeasurement({ actual: 499.996, expected: 500, operator: '<', passed: true });
    expect(describeMeasurement(under)).toBe('p95-latency: 499.996 ms < 500 ms (1200 samples)');
  });
});

describe('a real load run, reported', () => {
  let server: Server;
  beforeAll(async () => {
    server = await listen((_req, res) => res.end('ok'));
  });
  afterAll(() => closeServer(server));

  it('console, markdown and reasons show ms to 2 decimals; verdict.json keeps the raw latencies', async () => {
    const profile = parseLoadProfile({
      name: 'health',
      endpoints: [{ path: '/' }],
      connections: 2,
      duration: '300ms',
      stages: ['canary'],
    });
    const r = await runLoadProfile({
      profile,
      baseURL: serverURL(server),
      stage: 'canary',
      // Budgets no run can meet, so the console prints every measurement under the check.
      budgets: [
        { name: 'p50-latency', operator: '<', value: 0 },
        { name: 'p95-latency', operator: '<', value: 0 },
        { name: 'p99-latency', operator: '<', value: 0 },
      ],
      engine: 'autocannon',
      env: {},
      outDir: dirs.make(),
    });
    const raw = r.measurements.map((m) => m.actual as number);
    expect(raw.every((v) => typeof v === 'number' && v > 0)).toBe(true);
    // Per-request latencies are fractions of a millisecond with float tails, as the user saw.
    expect(
      raw.filter((v) => !/^\d+(\.\d{1,2})?$/.test(String(v))),
      String(raw),
    ).not.toEqual([]);
    const check = makeCheck({
      id: 'load/health',
      kind: 'load',
      status: 'failed',
      measurements: r.measurements,
      message: r.measurements.map(describeMeasurement).join('\n'),
    });
    const reason = reasonFor(check); // several broken: `3 rules broken: p50-latency 0.35 ms (< 0), …`
    expect(reason).toMatch(
      /^load\/health failed: 3 rules broken: p50-latency (\d+(\.\d{1,2})?|0\.0\d{1,2}) ms \(< 0\), /,
    );
    const verdict = makeVerdict([check], { verdict: 'hold', reasons: [reason] });
    const printed = `${consoleReport(verdict)}\n${markdownSummary(verdict)}`;
    const shown = [...printed.matchAll(/(-?\d+(?:\.\d+)?) ms\b/g)].map((m) => m[1]!);
    expect(shown.length).toBeGreaterThanOrEqual(3 * 4); // 3 budgets: message, measurements, reason, markdown
    // 2 decimals; below 0.1 ms (a fast machine's p50), 2 significant digits.
    for (const n of shown) expect(n, printed).toMatch(/^-?(\d+(\.\d{1,2})?|0\.0\d{1,2})$/);
    for (const v of raw) expect(printed).toContain(`${displayNumber(v, 'ms')} ms`);

    const file = writeVerdict(verdict, dirs.make());
    const written = JSON.parse(readFileSync(file, 'utf8')) as { checks: { measurements: Measurement[] }[] };
    expect(written.checks[0]!.measurements.map((m) => m.actual)).toEqual(raw);
    expect(path.basename(file)).toBe('verdict.json');
  });
});
