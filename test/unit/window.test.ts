import { describe, expect, test } from 'vitest';
import { assessWindows, inWindow, localTime } from '../../src/checks/window.ts';
import { DeployWindow } from '../../src/model/governance.ts';

const ny = (w: Partial<DeployWindow>) =>
  DeployWindow.parse({
    days: ['tue', 'wed', 'thu'],
    from: '22:00',
    to: '02:00',
    timeZone: 'America/New_York',
    ...w,
  });
const at = (iso: string) => new Date(iso);

describe('deployment windows', () => {
  const terp = ny({});

  test('inside: Tuesday 23:00 in New York', () => {
    expect(inWindow(at('2026-11-25T04:00:00Z'), terp)).toBe(true); // Tue 2026-11-24 23:00 EST
    expect(inWindow(at('2026-11-25T04:00:00Z'), ny({ days: ['wed'] }))).toBe(false);
    expect(localTime(at('2026-11-25T04:00:00Z'), 'America/New_York').label).toBe('Tue 23:00 EST');
  });

  test('outside: Tuesday 21:59 and Monday night', () => {
    expect(inWindow(at('2026-11-25T02:59:00Z'), terp)).toBe(false); // Tue 21:59 EST
    expect(inWindow(at('2026-11-24T04:00:00Z'), terp)).toBe(false); // Mon 23:00 EST
  });

  test('across midnight: the window belongs to the day it opens', () => {
    expect(inWindow(at('2026-11-25T06:30:00Z'), terp)).toBe(true); // Wed 01:30, opened Tue
    expect(inWindow(at('2026-11-27T06:30:00Z'), terp)).toBe(true); // Fri 01:30, opened Thu
    expect(inWindow(at('2026-11-28T06:30:00Z'), terp)).toBe(false); // Sat 01:30, opened Fri
    expect(inWindow(at('2026-11-25T07:00:00Z'), terp)).toBe(false); // Wed 02:00: closed
    expect(inWindow(at('2026-11-24T06:30:00Z'), terp)).toBe(false); // Tue 01:30: opened Mon, not allowed
  });

  test('spring forward night, 2026-03-08: a Saturday window 22:00-02:00 in New York', () => {
    const sat = ny({ days: ['sat'] });
    expect(inWindow(at('2026-03-08T03:30:00Z'), sat)).toBe(true); // Sat 22:30 EST
    expect(inWindow(at('2026-03-08T06:59:00Z'), sat)).toBe(true); // Sun 01:59 EST
    expect(inWindow(at('2026-03-08T07:00:00Z'), sat)).toBe(false); // Sun 03:00 EDT: the clock skipped 02:00
    expect(localTime(at('2026-03-08T07:00:00Z'), 'America/New_York').label).toBe('Sun 03:00 EDT');
  });

  test('fall back night, 2026-11-01: both 01:30s are inside, 02:00 EST is outside', () => {
    const sat = ny({ days: ['sat'] });
    expect(inWindow(at('2026-11-01T05:30:00Z'), sat)).toBe(true); // 01:30 EDT
    expect(inWindow(at('2026-11-01T06:30:00Z'), sat)).toBe(true); // 01:30 EST, an hour later
    expect(inWindow(at('2026-11-01T07:00:00Z'), sat)).toBe(false); // 02:00 EST
    expect(inWindow(at('2026-11-01T01:59:00Z'), sat)).toBe(false); // Sat 21:59 EDT
  });

  test('no windows means any time; several windows are alternatives', () => {
    expect(assessWindows(at('2026-11-22T12:00:00Z'), []).inside).toBe(true);
    const both = [
      ny({ days: ['mon'], from: '09:00', to: '10:00' }),
      ny({ days: ['sun'], from: '06:00', to: '08:00' }),
    ];
    expect(assessWindows(at('2026-11-22T12:00:00Z'), both)).toMatchObject({
      inside: true,
      now: 'Sun 07:00 EST',
    });
    expect(assessWindows(at('2026-11-22T14:00:00Z'), both).inside).toBe(false);
  });

  test('a bad time zone or time is a validation error', () => {
    expect(
      DeployWindow.safeParse({ days: ['tue'], from: '22:00', to: '02:00', timeZone: 'Mars/Olympus' }).success,
    ).toBe(false);
    expect(
      DeployWindow.safeParse({ days: ['tue'], from: '24:00', to: '02:00', timeZone: 'UTC' }).success,
    ).toBe(false);
  });
});
