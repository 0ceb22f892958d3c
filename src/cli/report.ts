import { existsSync } from 'node:fs';
import path from 'node:path';
import { RollgateError } from '../config/errors.ts';
import { reportsDir } from '../config/paths.ts';
import type { Cli } from './args.ts';

/** Builds the single-file HTML report from the latest run's Allure results. */
export async function reportCommand(_cli: Cli): Promise<number> {
  const root = reportsDir();
  const results = path.join(root, 'latest', 'allure-results');
  if (!existsSync(results)) {
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      `${path.relative(process.cwd(), results)} does not exist: run a gate first (npm run gate:canary).`,
    );
  }
  const { buildHtmlReport } = await import('../reporters/html-report.ts');
  const out = await buildHtmlReport({
    resultsDirs: [results],
    outDir: path.join(root, 'html'),
    historyFile: path.join(root, 'history.jsonl'),
  });
  console.log(
    `report: ${path.relative(process.cwd(), out.file)} (open it from disk; it loads nothing from the network)`,
  );
  return 0;
}
