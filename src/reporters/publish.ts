import { cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Store } from '../engine/store/store.ts';
import type { Verdict } from '../model/verdict.ts';
import { writeAllure } from './allure.ts';
import { writeJunit } from './junit.ts';
import { writeMarkdown } from './markdown.ts';
import { ledgerEntry, maskValue, writeVerdict } from './verdict-file.ts';

export interface PublishInput {
  verdict: Verdict;
  runDir: string;
  reportsDir: string;
  mask: (s: string) => string;
  store: Store;
}

export interface PublishResult {
  verdict: Verdict;
  verdictFile: string;
  /** Optional reporters that crashed: reported, never changing the verdict. */
  reporterErrors: string[];
}

/**
 * Writes what a run leaves behind. verdict.json and the ledger line are required (their failure
 * throws, so the CLI exits non-zero); JUnit, Allure and markdown are isolated like Playwright's
 * reporter multiplexer: one crashing does not stop the others nor change the verdict.
 */
export async function publish(input: PublishInput): Promise<PublishResult> {
  const verdict = maskValue(input.verdict, input.mask);
  const latestDir = path.join(input.reportsDir, 'latest');
  const verdictFile = writeVerdict(verdict, input.runDir, latestDir);
  await input.store.appendLedger(ledgerEntry(verdict));
  const reporterErrors: string[] = [];
  const optional: [string, () => void][] = [
    ['junit', () => writeJunit(verdict, input.runDir)],
    ['allure', () => writeAllure(verdict, input.runDir, input.mask)],
    ['markdown', () => writeMarkdown(verdict, input.runDir)],
    [
      'latest',
      () => {
        mkdirSync(latestDir, { recursive: true });
        for (const name of ['junit.xml', 'summary.md', 'allure-results']) {
          cpSync(path.join(input.runDir, name), path.join(latestDir, name), { recursive: true });
        }
      },
    ],
  ];
  for (const [name, run] of optional) {
    try {
      run();
    } catch (error) {
      reporterErrors.push(`${name} reporter failed: ${(error as Error).message}`);
    }
  }
  return { verdict, verdictFile, reporterErrors };
}
