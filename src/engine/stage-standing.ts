import type { LedgerEntry } from '../model/ledger-entry.ts';
import { isWatchRun } from './watch/watch-span.ts';

export interface StageStanding {
  /** The stage's newest answer for the release: it alone decides. */
  newest?: LedgerEntry;
  /** First PROMOTE of the newest unbroken run of PROMOTEs ending at `newest`: soaks count from it. */
  promotedSince?: LedgerEntry;
}

/**
 * Where a stage stands for a release, from the ledger (oldest first, in the order lines were
 * committed). The newest outcome decides: a HOLD after a PROMOTE revokes it, and a soak counts from
 * the start of the newest unbroken run of PROMOTEs, not from an older pass a failure interrupted.
 * A single run of a watch series is not the stage's answer; the series' own line is.
 */
export function stageStanding(
  ledger: readonly LedgerEntry[],
  stage: string,
  release?: string,
): StageStanding {
  const answers = ledger.filter(
    (e) => e.stage === stage && (release === undefined || e.release === release) && !isWatchRun(e),
  );
  const newest = answers.at(-1);
  if (newest?.verdict !== 'promote') return { newest };
  let first = answers.length - 1;
  while (first > 0 && answers[first - 1]!.verdict === 'promote') first--;
  return { newest, promotedSince: answers[first] };
}
