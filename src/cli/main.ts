import { RollgateError } from '../config/errors.ts';
import { createMasker, secretLookingValues } from '../config/mask.ts';
import { parseCli, USAGE } from './args.ts';

/**
 * Entry point; returns the exit code (0 promote, 1 hold, 2 could not start). Each command's module
 * is loaded when that command runs: `rollgate backup verify` never loads the engine, the reporters
 * or Allure that `gate` needs.
 */
export async function main(argv: string[]): Promise<number> {
  try {
    const cli = parseCli(argv);
    if (cli.values.help || cli.command === 'help') {
      console.log(USAGE);
      return 0;
    }
    switch (cli.command) {
      case 'init':
        return await (await import('./init.ts')).initCommand(cli);
      case 'gate':
        return await (await import('./gate.ts')).gateCommand(cli);
      case 'merge':
        return await (await import('./merge.ts')).mergeCommand(cli);
      case 'plan':
        return await (await import('./plan.ts')).planCommand(cli);
      case 'validate':
        return await (await import('./plan.ts')).validateCommand(cli);
      case 'sign':
        return await (await import('./attest.ts')).signCommand(cli);
      case 'waive':
        return await (await import('./attest.ts')).waiveCommand(cli);
      case 'report':
        return await (await import('./report.ts')).reportCommand(cli);
      case 'backup':
        // Verifying a backup needs none of what taking one loads.
        if (cli.positionals[0] === 'verify')
          return await (await import('./backup-verify.ts')).verifyCommand(cli);
        return await (await import('./backup.ts')).backupCommand(cli);
      case 'metrics':
        return await (await import('./metrics.ts')).metricsCommand(cli);
      case 'prometheus':
        return await (await import('./prometheus.ts')).prometheusCommand(cli);
      case 'coverage':
        return await (await import('./coverage.ts')).coverageCommand(cli);
      case 'import':
        return await (await import('./import.ts')).importCommand(cli);
      case 'render':
        return await (await import('./render.ts')).renderCommand(cli);
      case 'bundle':
      case 'keygen':
        return await (await import('./bundle.ts')).bundleCommand(cli);
      case 'history':
        return await (await import('./history.ts')).historyCommand(cli);
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
