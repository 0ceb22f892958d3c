import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { colourEnabled, consoleReport, tableDuration } from '../../src/reporters/console.ts';
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
  it('prints the checks as an aligned table: status, id, duration, blocking, title', () => {
    const out = consoleReport(makeVerdict(checks));
    const lines = out.split('\n').filter((l) => /^ {2}[✔✘!\-~w] /.test(l));
    expect(out.split('\n')[1]).toBe('  status    check             time  blocking  title');
    expect(lines).toEqual([
      '  ✔ passed  probes/health     7 ms  yes       health answers',
      '  ✘ failed  probes/latency  900 ms  yes       p95 within budget',
      '  ! errored golden/login     12 ms  no        login',
      '  - skipped backup/age       12 ms  yes       backup age',
    ]);
  });

  it('prints durations as ms, then seconds, then minutes', () => {
    expect([7, 999.6, 1234, 59_949, 61_000, 120_000].map(tableDuration)).toEqual([
      '7 ms',
      '1.0 s',
      '1.2 s',
      '59.9 s',
      '1 min 1 s',
      '2 min',
    ]);
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

  it('prints no colour codes unless asked', () => {
    const out = consoleReport(makeVerdict(checks));
    expect(out).not.toContain('\u001b');
  });

  it('colours the status words and the verdict when asked, and nothing else changes', () => {
    const v = makeVerdict(checks, { verdict: 'hold', reasons: ['probes/latency failed'] });
    const coloured = consoleReport(v, [], { colour: true });
    expect(coloured).toContain('\u001b[');
    expect(stripVTControlCharacters(coloured)).toBe(consoleReport(v));
  });
});

describe('colourEnabled (https://no-color.org)', () => {
  const tty = { isTTY: true };
  it('colours a terminal only', () => {
    expect(colourEnabled(tty, {})).toBe(true);
    expect(colourEnabled({ isTTY: false }, {})).toBe(false);
    expect(colourEnabled({}, {})).toBe(false);
    expect(colourEnabled(tty, { TERM: 'dumb' })).toBe(false);
  });
  it('NO_COLOR set to any non-empty value disables colour; empty does not', () => {
    for (const value of ['1', '0', 'false', 'yes'])
      expect(colourEnabled(tty, { NO_COLOR: value })).toBe(false);
    expect(colourEnabled(tty, { NO_COLOR: '' })).toBe(true);
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
