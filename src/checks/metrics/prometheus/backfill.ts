import { createReadStream, existsSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { execa } from 'execa';
import { RollgateError } from '../../../config/errors.ts';

const seriesError = (message: string) => new RollgateError('ROLLGATE_METRICS_SERIES', message);

/** Whether the file's last non-blank line is `# EOF`, read from its end only. */
async function endsWithEof(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, 256);
    const { buffer } = await handle.read(Buffer.alloc(length), 0, length, size - length);
    return /(^|\n)# EOF\s*$/.test(buffer.toString('utf8'));
  } finally {
    await handle.close();
  }
}

/**
 * A sample line's series (name and label set, as written) and timestamp: the label set is scanned
 * with its quotes, so a `}` or space inside a label value and an exemplar (` # {…} v t`) do not
 * move the fields.
 */
export function parseSampleLine(line: string): { series: string; timestamp?: number } | undefined {
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
  return { series, timestamp: t !== undefined && Number.isFinite(t) ? t : undefined };
}

/**
 * Loads a recorded OpenMetrics series into a Prometheus data folder with `promtool tsdb
 * create-blocks-from openmetrics`, for a server started on that folder. Returns the first and last
 * sample times (Unix seconds), the shortest gap between two samples of one series (its sample
 * interval, 0 when no series has two) and how many distinct series the file holds. A missing file, one
 * without `# EOF`, or one promtool rejects is RollgateError ROLLGATE_METRICS_SERIES naming why.
 * `signal` stops promtool and throws its reason (never mistaken for a rejected file).
 */
export async function backfillOpenMetrics(o: {
  promtool: string;
  file: string;
  dataDir: string;
  signal?: AbortSignal;
}): Promise<{ start: number; end: number; interval: number; series: number }> {
  if (!existsSync(o.file))
    throw seriesError(
      `${o.file}: no such series file; correct the series path (relative to the project root)`,
    );
  if (!(await endsWithEof(o.file)))
    throw seriesError(
      `${o.file} does not end with "# EOF": an OpenMetrics file must; add the line "# EOF" at its end`,
    );
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  const series = new Set<string>();
  /** Each series' previous timestamp, for the sample interval. */
  const previous = new Map<string, number>();
  let interval = Number.POSITIVE_INFINITY;
  const lines = createInterface({ input: createReadStream(o.file), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const sample = parseSampleLine(line);
    if (!sample) continue;
    series.add(sample.series);
    if (sample.timestamp !== undefined) {
      start = Math.min(start, sample.timestamp);
      end = Math.max(end, sample.timestamp);
      const before = previous.get(sample.series);
      if (before !== undefined && sample.timestamp > before)
        interval = Math.min(interval, sample.timestamp - before);
      previous.set(sample.series, sample.timestamp);
    }
  }
  if (series.size === 0)
    throw seriesError(`${o.file} holds no samples: record at least one series with timestamps`);
  if (!Number.isFinite(start))
    throw seriesError(
      `${o.file}: no sample carries a timestamp; a recorded series needs one on every sample (seconds, after the value)`,
    );
  o.signal?.throwIfAborted();
  await mkdir(o.dataDir, { recursive: true });
  const r = await execa(o.promtool, ['tsdb', 'create-blocks-from', 'openmetrics', o.file, o.dataDir], {
    reject: false,
    all: true,
    stdin: 'ignore',
    timeout: 300_000,
    ...(o.signal ? { cancelSignal: o.signal } : {}),
  });
  o.signal?.throwIfAborted();
  if (r.exitCode !== 0) {
    const out = (r.all ?? '').trim().split('\n').slice(-8).join('\n    ') || r.shortMessage;
    throw seriesError(
      `${o.file}: promtool rejected it:\n    ${out}\nFix the file: OpenMetrics text ending in "# EOF", only # HELP, # TYPE and # UNIT comments, a timestamp on every sample`,
    );
  }
  return { start, end, interval: Number.isFinite(interval) ? interval : 0, series: series.size };
}
