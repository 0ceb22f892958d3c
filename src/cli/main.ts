import { RollgateError } from '../config/errors.ts';
import { createMasker, secretLookingValues } from '../config/mask.ts';
import { parseCli, USAGE } from './args.ts';
import { signCommand, waiveCommand } from './attest.ts';
import { backupCommand } from './backup.ts';
import { gateCommand } from './gate.ts';
import { initCommand } from './init.ts';
import { planCommand, validateCommand } from './plan.ts';
import { reportCommand } from './report.ts';

/** Entry point; returns the exit code (0 promote, 1 hold, 2 could not start). */
export async function main(argv: string[]): Promise<number> {
  try {
    const cli = parseCli(argv);
    if (cli.values.help || cli.command === 'help') {
      console.log(USAGE);
      return 0;
    }
    switch (cli.command) {
      case 'init':
        return await initCommand(cli);
      case 'gate':
        return await gateCommand(cli);
      case 'plan':
        return await planCommand(cli);
      case 'validate':
        return await validateCommand(cli);
      case 'sign':
        return await signCommand(cli);
      case 'waive':
        return await waiveCommand(cli);
      case 'report':
        return await reportCommand(cli);
      case 'backup':
        return await backupCommand(cli);
      default:
        throw new RollgateError('ROLLGATE_BAD_ARGUMENT', `unknown command "${cli.command}".\n\n${USAGE}`);
    }
  } catch (error) {
    // The runbook's secrets are not known here: mask credentials in URLs and the values of
    // variables whose names say they are secret, in case a message quotes one.
    const mask = createMasker(secretLookingValues(process.env));
    if (error instanceof RollgateError) {
      console.error(mask(`rollgate: ${error.message}`));
      console.error(`(${error.code}; nothing was run)`);
      return 2;
    }
    console.error(mask(`rollgate: unexpected error: ${(error as Error).stack ?? error}`));
    return 2;
  }
}
