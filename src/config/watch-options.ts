import type { Stage } from '../model/runbook.ts';
import { plannedRuns, WatchSpec } from '../model/watch.ts';
import { RollgateError } from './errors.ts';

/** What the CLI was given for a watch; undefined means "not given". */
export interface WatchFlags {
  watchInterval?: string;
  watchDuration?: string;
  failureLimit?: string;
  consecutiveSuccessLimit?: string;
}

const FLAG: Record<keyof WatchSpec, string> = {
  interval: '--watch-interval',
  duration: '--watch-duration',
  failureLimit: '--failure-limit',
  consecutiveSuccessLimit: '--consecutive-success-limit',
};

function integer(value: string, flag: string): number {
  if (!/^\d+$/.test(value.trim()))
    throw new RollgateError('ROLLGATE_BAD_ARGUMENT', `${flag}: "${value}" is not a whole number, such as 1.`);
  return Number(value);
}

/**
 * The stage's watch with the CLI's flags on top (CLI beats runbook, field by field), or undefined
 * when the stage runs once. Flags alone make a watch when they give interval and duration.
 */
export function resolveWatch(stageName: string, stage: Stage, flags: WatchFlags): WatchSpec | undefined {
  const given = Object.values(flags).some((v) => v !== undefined && v !== '');
  if (!stage.watch && !given) return undefined;
  const from = (k: keyof WatchSpec) => (stage.watch ? `stages.${stageName}.watch.${k}` : FLAG[k]);
  if (!stage.watch && (!flags.watchInterval || !flags.watchDuration)) {
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      `stage "${stageName}" declares no watch: give both --watch-interval and --watch-duration (such as --watch-interval 30s --watch-duration 10m), or declare stages.${stageName}.watch in the runbook.`,
    );
  }
  if (stage.drill) {
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      `stage "${stageName}" is a drill: a drill restores a backup once and cannot be watched; drop the watch (${from('interval')}).`,
    );
  }
  // Runbook values are already milliseconds; flags are strings for the same schema.
  const parsed = WatchSpec.safeParse({
    interval: flags.watchInterval || `${stage.watch?.interval}ms`,
    duration: flags.watchDuration || `${stage.watch?.duration}ms`,
    failureLimit: flags.failureLimit
      ? integer(flags.failureLimit, FLAG.failureLimit)
      : stage.watch?.failureLimit,
    consecutiveSuccessLimit: flags.consecutiveSuccessLimit
      ? integer(flags.consecutiveSuccessLimit, FLAG.consecutiveSuccessLimit)
      : stage.watch?.consecutiveSuccessLimit,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path[0] as keyof WatchSpec;
    const flag = {
      interval: flags.watchInterval,
      duration: flags.watchDuration,
      failureLimit: flags.failureLimit,
      consecutiveSuccessLimit: flags.consecutiveSuccessLimit,
    }[key];
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      `${flag ? `${FLAG[key]} "${flag}"` : from(key)}: ${issue.message}.`,
    );
  }
  const w = parsed.data;
  const runs = plannedRuns(w.interval, w.duration);
  if (w.failureLimit >= runs) {
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      `${flags.failureLimit ? FLAG.failureLimit : from('failureLimit')}: a failure limit of ${w.failureLimit} tolerates every one of the ${runs} runs planned, so the series could pass without a passing run; use at most ${runs - 1}.`,
    );
  }
  return w;
}
