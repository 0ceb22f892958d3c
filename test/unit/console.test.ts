import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { consoleReport } from '../../src/reporters/console.ts';
import { advisoryHeaderMeasurements } from './advisory-measurements.ts';
import { makeCheck, makeMeasurement, makeVerdict } from './helpers.ts';

const checks = [
  makeCheck({ id: 'probes/health', title: 'health answers', durationMs: 7 }),
  makeCheck({
    id: 'probes/latency',
    title: 'p95 within budget',
    status: 'failed',
    durationMs: 900,
    measurements: [makeMeasurement({ name: 'ok-one' }), makeMeasurement({ actual: 812, passed: false })],
  }),
  makeCheck({
    id: 'golden/login',
    title: 'login',
    status: 'errored',
    blocking: false,
    message: 'target unreachable\nsecond line',
  }),
  makeCheck({
    id: 'backup/age',
    title: 'backup age',
    status: 'skipped',
    notApplicable: 'no backups on canary',
  }),
];

describe('consoleReport', () => {
  it('prints one line per check with mark, status, id, title and duration', () => {
    const out = consoleReport(makeVerdict(checks));
    const lines = out.split('\n').filter((l) => /^ {2}[✔✘!\-~w] /.test(l));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^ {2}✔ passed {2}probes\/health +health answers {2}7 ms$/);
    expect(lines[1]).toMatch(/^ {2}✘ failed {2}probes\/latency +p95 within budget {2}900 ms$/);
    expect(lines[2]).toMatch(/^ {2}! errored golden\/login +login \(advisory\) {2}12 ms$/);
    expect(lines[3]).toMatch(/^ {2}- skipped backup\/age/);
  });

  it('shows under a problem what was measured against what was expected, only for broken measurements', () => {
    const out = consoleReport(makeVerdict(checks));
    expect(out).toContain('      p95-latency: 812 ms violates <= 500 ms (1200 samples)');
    expect(out).not.toContain('ok-one');
    expect(out).toContain('      target unreachable\n      second line');
    expect(out).toContain('      not applicable: no backups on canary');
  });

  it('counts every status', () => {
    expect(consoleReport(makeVerdict(checks))).toContain(
      '  4 checks: 1 passed, 1 failed, 1 errored, 1 skipped, 0 flaky, 0 waived',
    );
  });

  it('ends a promote with PROMOTE and the release', () => {
    const out = consoleReport(makeVerdict([makeCheck()]));
    expect(out.trimEnd().split('\n').at(-1)).toBe('PROMOTE demo/canary release 1.2.3');
    expect(out).not.toContain('HOLD');
  });

  it('ends a hold with HOLD and lists every reason', () => {
    const v = makeVerdict(checks, {
      verdict: 'hold',
      reasons: [
        'probes/latency failed: p95-latency: 812 ms violates <= 500 ms (1200 samples)',
        'backup/age skipped',
      ],
    });
    const tail = consoleReport(v).trimEnd().split('\n').slice(-3);
    expect(tail).toEqual([
      'HOLD demo/canary release 1.2.3',
      '  - probes/latency failed: p95-latency: 812 ms violates <= 500 ms (1200 samples)',
      '  - backup/age skipped',
    ]);
  });

  it('prints advisory warnings', () => {
    const out = consoleReport(makeVerdict([makeCheck()]), ['golden/login errored: refused']);
    expect(out).toContain('  advisory: golden/login errored: refused');
  });

  it('does not repeat a measurement already in the message', () => {
    const line = 'p95-latency: 812 ms violates <= 500 ms (1200 samples)';
    const out = consoleReport(
      makeVerdict([
        makeCheck({
          status: 'failed',
          message: line,
          measurements: [makeMeasurement({ actual: 812, passed: false })],
        }),
      ]),
    );
    expect(out.split(line)).toHaveLength(2);
  });

  it('prints no colour codes', () => {
    const out = consoleReport(makeVerdict(checks));
    expect(stripVTControlCharacters(out)).toBe(out);
  });
});

describe('consoleReport: a rule held as advisory and broken', () => {
  it('is said under the check it passed, one line per rule; met rules are not', () => {
    const measurements = advisoryHeaderMeasurements();
    const out = consoleReport(makeVerdict([makeCheck({ id: 'security/headers', measurements })]));
    const advisory = out.split('\n').filter((l) => l.startsWith('      advisory: '));
    expect(advisory).toHaveLength(1);
    expect(advisory[0]).toMatch(
      /^ {6}advisory: \/login Referrer-Policy: seen \(absent\); expected one of no-referrer/,
    );
    expect(out).not.toMatch(/X-Frame-Options/);
  });
});
