import { maskDeep } from '../config/mask.ts';
import type { LedgerEntry } from '../model/ledger-entry.ts';

/**
 * `rollgate history`: the ledger of one runbook, filtered and printed as a table, oldest first so
 * the newest run is the last line (next to the prompt), as the ledger itself is ordered.
 */

export interface HistoryFilter {
  stage?: string;
  release?: string;
  /** Only the newest N entries that match. */
  limit?: number;
}

/** The entries that match, in ledger order (oldest first); `limit` keeps the newest. */
export function selectHistory(entries: readonly LedgerEntry[], f: HistoryFilter): LedgerEntry[] {
  const matching = entries.filter(
    (e) =>
      (f.stage === undefined || e.stage === f.stage) && (f.release === undefined || e.release === f.release),
  );
  return f.limit === undefined ? matching : matching.slice(Math.max(0, matching.length - f.limit));
}

/** `2026-11-30T17:32:20.123Z` → `2026-11-30 17:32:20Z`; anything else as it is. */
export function formatWhen(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(iso);
  return m ? `${m[1]} ${m[2]}Z` : iso;
}

/** `840ms`, `12.4s`, `3m05s`, `1h02m`: how long the run took, from its ledger times; `?` if unreadable. */
export function formatRunDuration(startedAt: string, finishedAt: string): string {
  const ms = Date.parse(finishedAt) - Date.parse(startedAt);
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  const m = Math.floor(s / 60);
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** The stage, and where the run sits in a watch series: `canary watch 3/12`, `canary watch series`. */
function stageCell(e: LedgerEntry): string {
  if (!e.watch) return e.stage;
  return e.watch.index === undefined
    ? `${e.stage} watch series`
    : `${e.stage} watch ${e.watch.index}/${e.watch.of}`;
}

const REASON_WIDTH = 100;

/** The first reason to hold, cut at {@link REASON_WIDTH} characters, and how many more there are. */
function reasonCell(e: LedgerEntry): string {
  const [first, ...rest] = e.reasons;
  if (first === undefined)
    return e.verdict === 'hold' && e.interrupted ? `interrupted: ${e.interrupted}` : '';
  const line = first.split('\n')[0]!;
  const cut = line.length > REASON_WIDTH ? `${line.slice(0, REASON_WIDTH - 1)}…` : line;
  return rest.length ? `${cut} (+${rest.length} more)` : cut;
}

export const HISTORY_COLUMNS = [
  'when',
  'stage',
  'release',
  'verdict',
  'checks',
  'duration',
  'run id',
  'first reason',
] as const;

/** One row per entry, the cells in {@link HISTORY_COLUMNS} order. */
export function historyRows(entries: readonly LedgerEntry[]): string[][] {
  return entries.map((e) => [
    formatWhen(e.startedAt),
    stageCell(e),
    e.release,
    e.verdict.toUpperCase(),
    `${e.summary.passed ?? 0}/${e.summary.total ?? 0}`,
    formatRunDuration(e.startedAt, e.finishedAt),
    e.runId,
    reasonCell(e),
  ]);
}

/**
 * The table: a header, then one line per entry, columns padded to their widest cell (the last,
 * the first reason, is not padded). Entries are masked whole before a reason is cut, so a cut
 * never leaves part of a secret unmasked. Plain text: no colour, so NO_COLOR and pipes need nothing.
 */
export function historyTable(entries: readonly LedgerEntry[], mask: (s: string) => string): string {
  const masked = entries.map((e) => maskDeep(e, mask));
  const rows = [HISTORY_COLUMNS.map((c) => c.toUpperCase()), ...historyRows(masked)];
  const widths = HISTORY_COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return rows.map(line).join('\n');
}
