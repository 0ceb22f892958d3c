import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  benchExitCode,
  buildMeasure,
  formatTable,
  meetsGoal,
  noiseWarning,
  parseAutocannonJson,
  side,
  spread,
} from '../../scripts/bench/results.ts';

// Recorded from a real `autocannon -c 4 -d 1 -j <demo>/api/simple-health` (autocannon 8.0.0).
const recorded = readFileSync(join(import.meta.dirname, '../fixtures/bench/autocannon-cli.json'), 'utf8');

describe('autocannon CLI output', () => {
  it('reads completed requests, duration and the error counts of a real run', () => {
    const run = parseAutocannonJson(recorded);
    expect(run).toMatchObject({ requests: 281, durationSec: 1.02, errors: 0, timeouts: 0, non2xx: 0 });
    expect(run.rps).toBeCloseTo(281 / 1.02, 6);
  });

  it('refuses output that is not its JSON, naming what is wrong', () => {
    expect(() => parseAutocannonJson('Running 5s test @ http://…')).toThrow(/did not print JSON/);
    expect(() => parseAutocannonJson('')).toThrow(/\(nothing\)/);
    const data = JSON.parse(recorded);
    expect(() => parseAutocannonJson(JSON.stringify({ ...data, requests: {} }))).toThrow(/requests\.total/);
    expect(() => parseAutocannonJson(JSON.stringify({ ...data, duration: 0 }))).toThrow(/duration/);
    expect(() => parseAutocannonJson(JSON.stringify({ ...data, non2xx: '0' }))).toThrow(/non2xx/);
  });
});

describe('measures and goals', () => {
  const atLeast = { operator: '>=' as const, value: 0.9 };
  const atMost = { operator: '<=' as const, value: 1.0 };

  it('meets a goal on its boundary and misses it just past it, both ways', () => {
    expect(meetsGoal(0.9, atLeast)).toBe(true);
    expect(meetsGoal(0.899, atLeast)).toBe(false);
    expect(meetsGoal(1.0, atMost)).toBe(true);
    expect(meetsGoal(1.001, atMost)).toBe(false);
  });

  it('takes the mean of each side and judges a ÷ b against the goal', () => {
    const met = buildMeasure({
      id: 'x',
      title: 'engine vs CLI',
      a: side('engine', 'req/s', [900, 1100]),
      b: side('CLI', 'req/s', [1000, 1000]),
      goal: atLeast,
    });
    expect(met).toMatchObject({ ratio: 1, status: 'met', problems: [] });
    const missed = buildMeasure({
      id: 'y',
      title: 'gate vs by hand',
      a: side('gate', 's', [30, 34]),
      b: side('by hand', 's', [20, 20]),
      goal: atMost,
    });
    expect(missed.status).toBe('missed');
    expect(missed.ratio).toBeCloseTo(1.6, 6);
  });

  it('is unmeasured, never met, without runs, with a zero or broken run, or with a problem', () => {
    const cases = [
      { a: side('engine', 'req/s', []), b: side('CLI', 'req/s', [1000]), problems: [] },
      { a: side('engine', 'req/s', [0]), b: side('CLI', 'req/s', [1000]), problems: [] },
      { a: side('engine', 'req/s', [Number.NaN]), b: side('CLI', 'req/s', [1000]), problems: [] },
      {
        a: side('engine', 'req/s', [1000]),
        b: side('CLI', 'req/s', [1000]),
        problems: ['CLI exited with 1'],
      },
    ];
    for (const c of cases) {
      const m = buildMeasure({ id: 'z', title: 't', goal: atLeast, ...c });
      expect(m.status).toBe('unmeasured');
      expect(m.ratio).toBeNull();
      expect(m.problems.length).toBeGreaterThan(0);
    }
  });

  it('exits 0 when all were measured, met or missed, and 1 when nothing or not everything was', () => {
    const m = (status: 'met' | 'missed' | 'unmeasured') => ({
      ...buildMeasure({ id: 'a', title: 't', goal: atLeast, a: side('a', 's', [1]), b: side('b', 's', [1]) }),
      status,
    });
    expect(benchExitCode([m('met'), m('missed')])).toBe(0);
    expect(benchExitCode([m('met'), m('unmeasured')])).toBe(1);
    expect(benchExitCode([])).toBe(1);
  });

  it('prints a table with the value of both sides, the goal, the ratio and a loud MISSED', () => {
    const table = formatTable([
      buildMeasure({
        id: 'g',
        title: 'gate:canary wall time',
        a: side('gate', 's', [24]),
        b: side('by hand', 's', [20]),
        goal: atMost,
      }),
      buildMeasure({
        id: 'e',
        title: 'engine',
        a: side('engine', 'req/s', []),
        b: side('CLI', 'req/s', [5]),
        goal: atLeast,
      }),
    ]);
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/measure.*value.*goal.*ratio.*result/);
    expect(lines[2]).toContain('gate 24.0 s / by hand 20.0 s');
    expect(lines[2]).toContain('<= 1.00x');
    expect(lines[2]).toContain('1.20x');
    expect(lines[2]).toContain('MISSED');
    expect(lines[3]).toContain('NOT MEASURED');
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
  });

  it('flags a measure whose runs of one side drift apart by more than 20%, and not a steady one', () => {
    expect(spread(side('a', 's', [10]))).toBeNull();
    expect(spread(side('a', 's', [9, 11]))).toBeCloseTo(0.2, 6);
    const steady = buildMeasure({
      id: 's',
      title: 't',
      goal: atLeast,
      a: side('engine', 'req/s', [1000, 1100]),
      b: side('CLI', 'req/s', [1000, 1050]),
    });
    expect(noiseWarning(steady)).toBeNull();
    const noisy = { ...steady, b: side('CLI', 'req/s', [800, 1300]) };
    expect(noiseWarning(noisy)).toMatch(/noisy: runs of one side differ by 48%/);
  });
});
