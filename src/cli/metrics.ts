import { RollgateError } from '../config/errors.ts';
import { type RecordedOutcome, testRecordedSeries } from '../engine/metrics/recorded.ts';
import type { Cli } from './args.ts';
import { load } from './common.ts';

const USAGE = 'usage: rollgate metrics test [--stage <name>] [--runbook <file>] [--json]';

function line(r: RecordedOutcome): string {
  const mark = r.ok ? 'ok  ' : 'FAIL';
  const got = r.ok ? r.got : `${r.got}, expected ${r.expected}`;
  // A met expectation shows its value; one not met shows everything the check said.
  const said = r.ok ? r.message.split('\n')[0]! : r.message;
  return `  ${mark} ${r.check}: ${got}\n        ${said.split('\n').join('\n        ')}`;
}

/**
 * `rollgate metrics test`: every recorded series a stage declares (`metricTests`) loaded into a
 * throw-away Prometheus and the named checks judged at its end. 0 when every outcome is the one
 * declared, 1 when one is not, 2 when nothing could be tested (no Prometheus, a series refused).
 */
export async function metricsCommand(cli: Cli): Promise<number> {
  if (cli.positionals[0] !== 'test' || cli.positionals.length > 1)
    throw new RollgateError('ROLLGATE_BAD_ARGUMENT', USAGE);
  const loaded = await load(cli);
  const rb = loaded.runbook;
  const only = cli.values.stage as string | undefined;
  if (only && !rb.stages[only])
    throw new RollgateError(
      'ROLLGATE_UNKNOWN_STAGE',
      `${loaded.file}: no stage "${only}"; stages: ${Object.keys(rb.stages).join(', ')}`,
    );
  const stages = (only ? [only] : Object.keys(rb.stages)).filter((s) => rb.stages[s]!.metricTests.length);
  if (!stages.length)
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      `${loaded.file}: ${only ? `stage "${only}" declares no` : 'no stage declares'} recorded series to test (metricTests: [{ series: 'runbooks/series/….om', expect: { '<check>': 'fail' } }])`,
    );
  let results: RecordedOutcome[];
  try {
    results = await testRecordedSeries({
      root: process.cwd(),
      env: process.env,
      runbook: rb,
      stages,
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ROLLGATE_PROMETHEUS_MISSING' || code === 'ROLLGATE_METRICS_SERIES')
      throw new RollgateError(code, (error as Error).message);
    throw error;
  }
  const failed = results.filter((r) => !r.ok);
  if (cli.values.json) {
    console.log(
      JSON.stringify({ ok: failed.length === 0, results: results.map(({ result: _r, ...r }) => r) }, null, 2),
    );
  } else {
    let last = '';
    for (const r of results) {
      if (r.series !== last) {
        const t = rb.stages[r.stage]!.metricTests.find((x) => x.series === r.series);
        console.log(`${r.stage}: ${r.series}${t?.description ? ` (${t.description})` : ''}`);
        last = r.series;
      }
      console.log(line(r));
    }
    console.log(
      failed.length
        ? `${failed.length} of ${results.length} expectations not met`
        : `${results.length} expectation${results.length === 1 ? '' : 's'} met`,
    );
  }
  return failed.length ? 1 : 0;
}
