import { RollgateError } from '../config/errors.ts';
import { type RecordedOutcome, testRecordedSeries } from '../engine/metrics/recorded.ts';
import { stopOnSignals } from '../engine/stop-signals.ts';
import type { Cli } from './args.ts';
import { load } from './common.ts';

const USAGE = 'usage: rollgate metrics test [--stage <name>] [--runbook <file>] [--json]';

function line(r: RecordedOutcome): string {
  const mark = r.ok ? 'ok  ' : 'FAIL';
  const got = r.ok ? r.got : `${r.got}, expected ${r.expected}`;
  // A met expectation shows its value; one not met shows everything the check said.
  const said = r.ok ? r.message.split('\n')[0]! : r.message;
  const note = r.note ? `\n        note: ${r.note}` : '';
  return `  ${mark} ${r.check}: ${got}\n        ${said.split('\n').join('\n        ')}${note}`;
}

/** `SIGINT received` → `SIGINT`. */
export const signalName = (reason: string | undefined) => (reason ?? 'stopped').replace(/ received$/, '');

/**
 * `rollgate metrics test`: every recorded series a stage declares (`metricTests`) loaded into a
 * throw-away Prometheus and the named checks judged at its end. 0 when every outcome is the one
 * declared, 1 when one is not, 2 when nothing could be tested (no Prometheus 2.x, a series refused,
 * a json check expected) or SIGINT/SIGTERM stopped it (its temp folders and Prometheus are gone first).
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
  // Ctrl-C or SIGTERM stops promtool and Prometheus and removes their temp folders before exiting.
  const stopping = stopOnSignals(() => {});
  let last = '';
  const print = (r: RecordedOutcome) => {
    if (r.series !== last) {
      const t = rb.stages[r.stage]!.metricTests.find((x) => x.series === r.series);
      console.log(`${r.stage}: ${r.series}${t?.description ? ` (${t.description})` : ''}`);
      last = r.series;
    }
    console.log(line(r));
  };
  let results: RecordedOutcome[];
  try {
    results = await testRecordedSeries({
      root: process.cwd(),
      env: process.env,
      runbook: rb,
      stages,
      signal: stopping.signal,
      // Text is printed as each outcome is known, so a long run shows progress and an interrupted one what it got to.
      ...(cli.values.json ? {} : { onOutcome: print }),
    });
  } catch (error) {
    if (stopping.signal.aborted) {
      console.error(`rollgate: interrupted (${signalName(stopping.reason)}): nothing more was tested`);
      return 2;
    }
    if (error instanceof RollgateError && error.code === 'ROLLGATE_RUNBOOK_INVALID')
      throw new RollgateError(error.code, `${loaded.file}: ${error.message}`);
    throw error;
  } finally {
    stopping.dispose();
  }
  const failed = results.filter((r) => !r.ok);
  if (cli.values.json)
    console.log(
      JSON.stringify({ ok: failed.length === 0, results: results.map(({ result: _r, ...r }) => r) }, null, 2),
    );
  else
    console.log(
      failed.length
        ? `${failed.length} of ${results.length} expectations not met`
        : `${results.length} expectation${results.length === 1 ? '' : 's'} met`,
    );
  return failed.length ? 1 : 0;
}
