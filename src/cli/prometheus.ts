import { findPrometheus } from '../checks/metrics/prometheus/binaries.ts';
import { installPrometheus, prometheusVersion } from '../checks/metrics/prometheus/install.ts';
import { RollgateError } from '../config/errors.ts';
import type { Cli } from './args.ts';

const USAGE = 'usage: rollgate prometheus install | rollgate prometheus where';

/**
 * `rollgate prometheus install`: Debian's prometheus package into .cache/rollgate/ of the current
 * directory (no root). `rollgate prometheus where`: which binaries metric checks would run and
 * where they were found. 0 done; nothing usable is a RollgateError (exit 2, the message says the fix).
 */
export async function prometheusCommand(cli: Cli): Promise<number> {
  const [verb, ...rest] = cli.positionals;
  if (rest.length > 0 || (verb !== 'install' && verb !== 'where'))
    throw new RollgateError('ROLLGATE_BAD_ARGUMENT', USAGE);
  const root = process.cwd();
  if (verb === 'install') {
    const got = await installPrometheus({ root, onProgress: (line) => console.log(line) });
    console.log(`prometheus: ${got.prometheus}\npromtool:   ${got.promtool}`);
    return 0;
  }
  const found = findPrometheus({ root, env: process.env });
  const version = await prometheusVersion(found.prometheus);
  if (!version)
    throw new RollgateError(
      'ROLLGATE_PROMETHEUS_MISSING',
      `${found.prometheus} (from ${found.source}) does not answer \`--version\` as a Prometheus 2.x: point ROLLGATE_PROMETHEUS at a working one, or run \`npx rollgate prometheus install\``,
    );
  console.log(
    `prometheus: ${found.prometheus} (from ${found.source}, version ${version})\npromtool:   ${found.promtool}`,
  );
  return 0;
}
