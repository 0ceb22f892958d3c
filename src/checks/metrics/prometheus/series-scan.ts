import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * Reading a recorded OpenMetrics file before promtool does: its time span and series, and the
 * mistakes promtool would refuse with a parser message naming no line (or, for milliseconds, accept
 * and place in the year 55000), so the user is told which line and what to do.
 */

/**
 * A sample line's series (name and label set, as written), its timestamp and whether one is written
 * at all (`stamped`; `timestamp` is left out when it is not a finite number): the label set is
 * scanned with its quotes, so a `}` or space inside a label value and an exemplar (` # {…} v t`) do
 * not move the fields.
 */
export function parseSampleLine(
  line: string,
): { series: string; timestamp?: number; stamped: boolean } | undefined {
  let i = 0;
  while (i < line.length && line[i] !== '{' && line[i] !== ' ') i++;
  if (line[i] === '{') {
    let quoted = false;
    for (i++; i < line.length; i++) {
      const c = line[i];
      if (quoted && c === '\\') i++;
      else if (c === '"') quoted = !quoted;
      else if (!quoted && c === '}') break;
    }
    i++;
  }
  const series = line.slice(0, i);
  const [, timestamp] = line.slice(i).split(' # ')[0]!.trim().split(/\s+/);
  if (!series) return undefined;
  const t = timestamp === undefined ? undefined : Number(timestamp);
  const stamped = timestamp !== undefined;
  return t !== undefined && Number.isFinite(t) ? { series, timestamp: t, stamped } : { series, stamped };
}

/** Comments promtool's OpenMetrics parser takes; any other `#` line fails it as "not a valid start token". */
const PROMTOOL_COMMENT = /^# (HELP|TYPE|UNIT) /;
/** Above this a timestamp is not seconds: 1e11 s is the year 5138, while milliseconds now are ~1.7e12. */
const MAX_SECONDS = 1e11;
/** Lines quoted per kind of mistake; the rest are counted. */
const SHOWN = 3;

/** `line 4 ("up 2")`, `lines 2 ("# a"), 5 ("# b") and 3 more`: where a kind of mistake is. */
function where(lines: [number, string][]): string {
  const q = (t: string) => JSON.stringify(t.length > 80 ? `${t.slice(0, 79)}…` : t);
  const shown = lines.slice(0, SHOWN).map(([n, t]) => `${n} (${q(t)})`);
  const more = lines.length > SHOWN ? ` and ${lines.length - SHOWN} more` : '';
  return `${lines.length === 1 ? 'line' : 'lines'} ${shown.join(', ')}${more}`;
}

/**
 * Mistakes promtool would refuse with a parser message that names no line (or, for milliseconds,
 * accept and place in the year 55000), each a sentence naming the file, its line(s) and the fix.
 */
function lineMistakes(
  file: string,
  m: { comments: [number, string][]; blank: number[]; unstamped: [number, string][]; afterEof: number[] },
  millis: [number, number] | undefined,
): string[] {
  const out: string[] = [];
  if (m.comments.length)
    out.push(
      `${file}: ${where(m.comments)}: promtool accepts only the comments # HELP, # TYPE, # UNIT and the closing # EOF; remove ${m.comments.length === 1 ? 'it' : 'them'} (what the series should show belongs in the runbook's metricTests expect)`,
    );
  if (millis)
    out.push(
      `${file}: timestamps look like milliseconds (${millis[1]} on line ${millis[0]}): OpenMetrics timestamps are seconds; divide them by 1000`,
    );
  if (m.unstamped.length)
    out.push(
      `${file}: sample without a timestamp on ${where(m.unstamped)}: promtool backfills only samples that carry one; add its time in Unix seconds after the value`,
    );
  if (m.blank.length)
    out.push(
      `${file}: blank ${m.blank.length === 1 ? 'line' : 'lines'} ${m.blank.slice(0, SHOWN).join(', ')}${m.blank.length > SHOWN ? ` and ${m.blank.length - SHOWN} more` : ''}: OpenMetrics has none and promtool refuses them; remove ${m.blank.length === 1 ? 'it' : 'them'}`,
    );
  if (m.afterEof.length)
    out.push(
      `${file}: line ${m.afterEof[0]} follows "# EOF": the file must end there; remove what follows it (blank lines too)`,
    );
  return out;
}

/**
 * One pass over the file: first and last sample times, the shortest gap between two samples of one
 * series, how many series, and every line promtool would refuse without naming it (lineMistakes).
 */
export async function scanSeries(
  file: string,
): Promise<{ start: number; end: number; interval: number; series: number; mistakes: string[] }> {
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  const series = new Set<string>();
  /** Each series' previous timestamp, for the sample interval. */
  const previous = new Map<string, number>();
  let interval = Number.POSITIVE_INFINITY;
  const found = {
    comments: [] as [number, string][],
    blank: [] as number[],
    unstamped: [] as [number, string][],
    afterEof: [] as number[],
  };
  let millis: [number, number] | undefined;
  let eof = false;
  let n = 0;
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const raw of lines) {
    n++;
    const line = raw.trim();
    if (eof) found.afterEof.push(n);
    else if (line === '# EOF') eof = true;
    else if (!line) found.blank.push(n);
    else if (line.startsWith('#')) {
      if (!PROMTOOL_COMMENT.test(line)) found.comments.push([n, line]);
    } else {
      const sample = parseSampleLine(line);
      if (!sample) continue;
      series.add(sample.series);
      if (!sample.stamped) found.unstamped.push([n, line]);
      if (sample.timestamp === undefined) continue; // not a number: promtool names it
      if (sample.timestamp > MAX_SECONDS) millis ??= [n, sample.timestamp];
      start = Math.min(start, sample.timestamp);
      end = Math.max(end, sample.timestamp);
      const before = previous.get(sample.series);
      if (before !== undefined && sample.timestamp > before)
        interval = Math.min(interval, sample.timestamp - before);
      previous.set(sample.series, sample.timestamp);
    }
  }
  return {
    start,
    end,
    interval: Number.isFinite(interval) ? interval : 0,
    series: series.size,
    mistakes: lineMistakes(file, found, millis),
  };
}
