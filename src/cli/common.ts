import { RollgateError } from '../config/errors.ts';
import { DEFAULT_RUNBOOK, type LoadedRunbook, loadRunbook } from '../config/load-runbook.ts';
import type { Cli } from './args.ts';

export function runbookFile(cli: Cli): string {
  return cli.values.runbook || process.env.ROLLGATE_RUNBOOK || DEFAULT_RUNBOOK;
}

export function load(cli: Cli): Promise<LoadedRunbook> {
  return loadRunbook(runbookFile(cli));
}

export function stageArg(cli: Cli, verb: string): string {
  const stage = cli.positionals[0];
  if (!stage)
    throw new RollgateError('ROLLGATE_BAD_ARGUMENT', `usage: rollgate ${verb} <stage> [--runbook <file>]`);
  return stage;
}
