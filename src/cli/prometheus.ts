import { findPrometheus } from '../checks/metrics/prometheus/binaries.ts';
import { installPrometheus } from '../checks/metrics/prometheus/install.ts';
import { requirePrometheus2 } from '../checks/metrics/prometheus/version.ts';
import { RollgateError } from '../config/errors.ts';
import { stopOnSignals } from '../engine/stop-signals.ts';
import type { Cli } from './args.ts';
import { signalName } from './metrics.ts';

const USAGE = 'usage: rollgate prometheus install | rollgate prometheus where';

/**
 * `rollgate prometheus install`: Debian's prometheus package into .cache/rollgate/ of the current
 * directory (no root). `rollgate prometheus where`: which binaries metric checks would run and
 * where they were found. 0 done; nothing usable (or not a 2.x) is a RollgateError (exit 2, the
 * message says the fix); an install stopped by SIGINT/SIGTERM leaves no temp or partial folder, exit 2.
 */
export async function prometheusCommand(cli: Cli): Promise<number> {
  const [verb, ...rest] = cli.positionals;
  if (rest.length > 0 || (verb !== 'install' && verb !== 'where'))
    throw new RollgateError('ROLLGATE_BAD_ARGUMENT', USAGE);
  const root = process.cwd();
  if (verb === 'install') {
    const stopping = stopOnSignals(() => {});
    try {
      const got = await installPrometheus({
        root,
        onProgress: (line) => console.log(line),
        signal: stopping.signal,
      });
      console.log(`prometheus: ${got.prometheus}\npromtool:   ${got.promtool}`);
      return 0;
    } catch (error) {
      if (!stopping.signal.aborted) throw error;
      console.error(`rollgate: interrupted (${signalName(stopping.reason)}): nothing was installed`);
      return 2;
    } finally {
      stopping.dispose();
    }
  }
  const found = findPrometheus({ root, env: process.env });
  const version = await requirePrometheus2(found.prometheus);
  console.log(
    `prometheus: ${found.prometheus} (from ${found.source}, version ${version})\npromtool:   ${found.promtool}`,
  );
  return 0;
}
