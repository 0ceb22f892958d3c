import { formatDuration } from '../../model/governance.ts';
import type { LedgerEntry } from '../../model/ledger-entry.ts';
import type { Measurement } from '../../model/measurement.ts';

export interface WatchStreak {
  /** The newest unbroken sequence of passing watch runs, oldest first. */
  runs: LedgerEntry[];
  /** First startedAt to last finishedAt of `runs`, in ms (0 when there are none). */
  spanMs: number;
  /** What ended the sequence before its first run, if anything did. */
  brokenBy?: { kind: 'failure'; entry: LedgerEntry } | { kind: 'gap'; gapMs: number; at: string };
}

/**
 * Between two runs the watch writes the first one's reports; that time is not a pause in watching,
 * so a gap may exceed the interval by this much before it breaks a streak.
 */
export const RECORD_GRACE_MS = 5_000;

/** Whether a ledger line is one run of a watch series (not the series' own line). */
export const isWatchRun = (e: LedgerEntry) => e.watch?.index !== undefined;

/**
 * Walks the watch runs of `stage` for `release` back from the newest: the sequence ends at a run
 * that held (failed, errored, interrupted), or at a single gate of the stage that held, or at a pause between two runs longer than the later
 * run's interval, since nothing watched the deployment then. Runs of several series chain when
 * each starts within its interval of the previous one's end.
 */
export function watchStreak(ledger: readonly LedgerEntry[], stage: string, release: string): WatchStreak {
  // Watch runs, and single gates of the stage: one that held between watch runs breaks the streak
  // too (the deployment was seen failing); the series' own summary lines add nothing.
  const runs = ledger.filter(
    (e) => e.stage === stage && e.release === release && (isWatchRun(e) || !e.watch),
  );
  const streak: LedgerEntry[] = [];
  let brokenBy: WatchStreak['brokenBy'];
  for (let i = runs.length - 1; i >= 0; i--) {
    const e = runs[i]!;
    if (e.verdict !== 'promote') {
      brokenBy = { kind: 'failure', entry: e };
      break;
    }
    if (!isWatchRun(e)) continue;
    const next = streak[0];
    if (next) {
      const gapMs = Date.parse(next.startedAt) - Date.parse(e.finishedAt);
      if (gapMs > next.watch!.intervalMs + RECORD_GRACE_MS) {
        brokenBy = { kind: 'gap', gapMs, at: e.finishedAt };
        break;
      }
    }
    streak.unshift(e);
  }
  const spanMs = streak.length
    ? Math.max(0, Date.parse(streak.at(-1)!.finishedAt) - Date.parse(streak[0]!.startedAt))
    : 0;
  return { runs: streak, spanMs, brokenBy };
}

export interface WatchRequirementResult {
  passed: boolean;
  message: string;
  measurement: Measurement;
}

/** `requires.watch`: judges the streak against the span a stage needs, with a message saying why. */
export function assessWatchSpan(
  ledger: readonly LedgerEntry[],
  req: { stage: string; span: number },
  release: string,
): WatchRequirementResult {
  const s = watchStreak(ledger, req.stage, release);
  const passed = s.runs.length > 0 && s.spanMs >= req.span;
  const measurement: Measurement = {
    name: `${req.stage}-watch-span`,
    actual: Math.floor(s.spanMs / 1000),
    operator: '>=',
    expected: Math.round(req.span / 1000),
    unit: 's',
    samples: s.runs.length,
    passed,
  };
  const runs = `${s.runs.length} run${s.runs.length === 1 ? '' : 's'}`;
  const from = s.runs.length ? ` from ${s.runs[0]!.startedAt} to ${s.runs.at(-1)!.finishedAt}` : '';
  if (passed)
    return {
      passed,
      measurement,
      message: `${runs} of ${req.stage} passed in a row for ${release}, spanning ${formatDuration(s.spanMs)}${from}`,
    };
  const needs = `needs ${formatDuration(req.span)} of consecutive passing watch runs of ${req.stage} for ${release}`;
  const since =
    s.brokenBy?.kind === 'failure'
      ? ` since the last failure at ${s.brokenBy.entry.finishedAt} (run ${s.brokenBy.entry.runId})`
      : s.brokenBy?.kind === 'gap'
        ? ` since a ${formatDuration(s.brokenBy.gapMs)} pause without watch runs after ${s.brokenBy.at}`
        : '';
  const has = s.runs.length
    ? `has ${formatDuration(s.spanMs)} (${runs}${since})`
    : s.brokenBy?.kind === 'failure'
      ? `has none: the newest watch run held at ${s.brokenBy.entry.finishedAt} (run ${s.brokenBy.entry.runId})`
      : `has none: no watch runs in the ledger; run the ${req.stage} gate with a watch`;
  return { passed, measurement, message: `${needs}; ${has}` };
}
