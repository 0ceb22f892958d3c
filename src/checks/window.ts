import { type DeployWindow, WEEKDAYS, type Weekday } from '../model/governance.ts';

interface LocalTime {
  day: Weekday;
  minutes: number;
  label: string;
}

/** Wall-clock weekday and minute of `at` in `timeZone` (DST handled by Intl, not by arithmetic). */
export function localTime(at: Date, timeZone: string): LocalTime {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const day = get('weekday').toLowerCase().slice(0, 3) as Weekday;
  const hour = Number(get('hour'));
  const minute = Number(get('minute'));
  return {
    day,
    minutes: hour * 60 + minute,
    label: `${get('weekday')} ${get('hour')}:${get('minute')} ${get('timeZoneName')}`,
  };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const previous = (d: Weekday) => WEEKDAYS[(WEEKDAYS.indexOf(d) + 6) % 7]!;

/** Whether `at` falls in `w`. An overnight window (to <= from) belongs to the day it opens. */
export function inWindow(at: Date, w: DeployWindow): boolean {
  const t = localTime(at, w.timeZone);
  const from = toMinutes(w.from);
  const to = toMinutes(w.to);
  if (from < to) return w.days.includes(t.day) && t.minutes >= from && t.minutes < to;
  return (
    (w.days.includes(t.day) && t.minutes >= from) || (w.days.includes(previous(t.day)) && t.minutes < to)
  );
}

export function describeWindow(w: DeployWindow): string {
  return `${w.days.join(',')} ${w.from}-${w.to} ${w.timeZone}`;
}

export interface WindowAssessment {
  inside: boolean;
  /** The stage's windows in words, and the local time in the first window's zone. */
  windows: string;
  now: string;
}

/** No windows declared means "any time". */
export function assessWindows(at: Date, windows: readonly DeployWindow[]): WindowAssessment {
  if (windows.length === 0) return { inside: true, windows: 'any time', now: at.toISOString() };
  return {
    inside: windows.some((w) => inWindow(at, w)),
    windows: windows.map(describeWindow).join('; '),
    now: localTime(at, windows[0]!.timeZone).label,
  };
}
