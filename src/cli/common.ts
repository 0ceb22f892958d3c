import { RollgateError } from '../config/errors.ts';
import { findAndLoadRunbook, type LoadedRunbook } from '../config/load-runbook.ts';
import type { Cli } from './args.ts';

/** The runbook named by --runbook or ROLLGATE_RUNBOOK, else found by convention in the current directory. */
export function load(cli: Cli): Promise<LoadedRunbook> {
  return findAndLoadRunbook({ flag: cli.values.runbook, env: process.env.ROLLGATE_RUNBOOK });
}

export function stageArg(cli: Cli, verb: string): string {
  const stage = cli.positionals[0];
  if (!stage)
    throw new RollgateError('ROLLGATE_BAD_ARGUMENT', `usage: rollgate ${verb} <stage> [--runbook <file>]`);
  return stage;
}
