import { z } from 'zod';
import { RunOverrides } from './overrides.ts';
import { WatchRecord } from './watch.ts';

/** One line of reports/ledger.jsonl: enough to answer "what passed, for which version, when". */
export const LedgerEntry = z.object({
  schemaVersion: z.literal(1),
  runId: z.string(),
  runbook: z.string(),
  stage: z.string(),
  release: z.string(),
  verdict: z.enum(['promote', 'hold']),
  startedAt: z.string(),
  finishedAt: z.string(),
  summary: z.record(z.string(), z.number()),
  reasons: z.array(z.string()),
  interrupted: z.string().optional(),
  windowOverride: z.string().optional(),
  /** Budgets and Playwright timeouts the command line changed for this run. */
  overrides: RunOverrides.optional(),
  /** Set on the runs of a watch series and on the series' own line. */
  watch: WatchRecord.optional(),
});
export type LedgerEntry = z.infer<typeof LedgerEntry>;
