import { existsSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { execa } from 'execa';
import { RollgateError } from '../../../config/errors.ts';
import { scanSeries } from './series-scan.ts';

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
 * Loads a recorded OpenMetrics series into a Prometheus data folder with `promtool tsdb
 * create-blocks-from openmetrics`, for a server started on that folder. Returns the first and last
 * sample times (Unix seconds), the shortest gap between two samples of one series (its sample
 * interval, 0 when no series has two) and how many distinct series the file holds. A missing file, one
 * without `# EOF`, one with lines promtool would refuse or misplace (other comments, millisecond or
 * missing timestamps, blank lines, lines after `# EOF`: each named with its line number, all at
 * once, before promtool runs), or one promtool rejects is RollgateError ROLLGATE_METRICS_SERIES.
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
  const scan = await scanSeries(o.file);
  if (scan.mistakes.length) throw seriesError(scan.mistakes.join('\n'));
  if (scan.series === 0)
    throw seriesError(`${o.file} holds no samples: record at least one series with timestamps`);
  if (!Number.isFinite(scan.start))
    throw seriesError(`${o.file}: no sample carries a timestamp that is a number of seconds; fix them`);
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
  const { start, end, interval, series } = scan;
  return { start, end, interval, series };
}
