import { redactRunDir } from '../checks/redact/redact-files.ts';
import type { Store } from '../engine/store/store.ts';
import type { Verdict } from '../model/verdict.ts';
import { writeAllure } from './allure.ts';
import { recordHistory } from './allure-history.ts';
import { writeJunit } from './junit.ts';
import { pointLatest } from './latest.ts';
import { writeMarkdown } from './markdown.ts';
import { pruneRuns } from './report-runs.ts';
import { ledgerEntry, maskValue, writeVerdict } from './verdict-file.ts';

export interface PublishInput {
  verdict: Verdict;
  runDir: string;
  reportsDir: string;
  mask: (s: string) => string;
  store: Store;
  /** Runs to keep under `runs/` (runbook `reports.retain`, ROLLGATE_RETAIN_RUNS); undefined keeps all. */
  retain?: number;
}

export interface PublishResult {
  verdict: Verdict;
  verdictFile: string;
  /** Optional reporters that crashed: reported, never changing the verdict. */
  reporterErrors: string[];
}

/**
 * Writes what a run leaves behind, in its own run folder, then commits it. verdict.json and the
 * ledger line are required (their failure throws, so the CLI exits non-zero); JUnit, Allure and
 * markdown are isolated like Playwright's reporter multiplexer: one crashing does not stop the
 * others nor change the verdict. The ledger append is the commit point: `latest` moves to this run
 * only after it, atomically, so it never shows a verdict the ledger lacks nor mixes two runs.
 * Then the run's point joins the report history (reports/history.jsonl), and runs past the
 * retention are pruned, oldest first, never the one `latest` points at.
 */
export async function publish(input: PublishInput): Promise<PublishResult> {
  // Before any reporter reads or copies the run's files: traces, attachments, raw results.
  redactRunDir(input.runDir, input.mask);
  const verdict = maskValue(input.verdict, input.mask);
  const verdictFile = writeVerdict(verdict, input.runDir);
  const reporterErrors: string[] = [];
  const optional: [string, () => void][] = [
    ['junit', () => writeJunit(verdict, input.runDir)],
    ['allure', () => writeAllure(verdict, input.runDir, input.mask)],
    ['markdown', () => writeMarkdown(verdict, input.runDir)],
  ];
  for (const [name, run] of optional) {
    try {
      run();
    } catch (error) {
      reporterErrors.push(`${name} reporter failed: ${(error as Error).message}`);
    }
  }
  await input.store.appendLedger(ledgerEntry(verdict));
  try {
    pointLatest(input.reportsDir, input.runDir);
  } catch (error) {
    // Recorded in the ledger already: the verdict stands, only the shortcut is stale.
    reporterErrors.push(`latest could not be pointed at this run: ${(error as Error).message}`);
  }
  // After the commit point, like latest: the report's history holds every recorded run, pruned or not.
  try {
    await recordHistory(verdict, input.runDir, input.reportsDir, input.mask);
  } catch (error) {
    reporterErrors.push(`history could not record this run: ${(error as Error).message}`);
  }
  if (input.retain !== undefined) {
    try {
      pruneRuns(input.reportsDir, input.retain, input.runDir);
    } catch (error) {
      reporterErrors.push(
        `old runs could not be pruned (retain ${input.retain}): ${(error as Error).message}`,
      );
    }
  }
  return { verdict, verdictFile, reporterErrors };
}
