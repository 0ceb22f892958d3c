import type { MetricCheck } from '../../model/metrics.ts';
import { isoTime } from './evaluate-metric.ts';
import type { TargetReading } from './read-target.ts';
import type { MetricAnswer } from './types.ts';

const digestOf = (a: MetricAnswer | undefined) => (a?.digest ? `sha256:${a.digest}` : 'none (no answer)');

/** `query: …; answer sha256:…` for every query read, so a reason names the exact answers. */
export function trail(sides: TargetReading[]): string {
  return sides
    .flatMap((s) => {
      const who = s.role === 'baseline' ? `baseline (${s.target}) ` : '';
      const own = `${who}query: ${s.query}; answer ${digestOf(s.reading.answer)}`;
      const guard = s.traffic
        ? [`${who}traffic query: ${s.traffic.query}; answer ${digestOf(s.traffic.answer)}`]
        : [];
      return [own, ...guard];
    })
    .join('; ');
}

/** `the worst of 24 points, at 2024-…`: which point of a range the value is. */
export function pointNote(check: MetricCheck, side: TargetReading): string | undefined {
  const r = side.reading;
  if (!r.ok || check.over === 'instant') return undefined;
  const n = `${r.points.length} point${r.points.length === 1 ? '' : 's'}`;
  if (check.over === 'avg') return `the average of ${n}`;
  const which = { all: 'the worst', any: 'the best', max: 'the highest', last: 'the last' }[check.over];
  return `${which} of ${n}, at ${isoTime(r.at)}`;
}
