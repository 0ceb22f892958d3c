import path from 'node:path';
import { RollgateError } from '../config/errors.ts';
import { reportsDir } from '../config/paths.ts';
import type { Cli } from './args.ts';

/**
 * Builds the single-file HTML report from every run kept under reports/runs/: the newest run of
 * each stage as the tests, earlier runs (and pruned ones, from reports/history.jsonl) as their
 * history and the trend.
 */
export async function reportCommand(_cli: Cli): Promise<number> {
  const root = reportsDir();
  const { buildRunsReport } = await import('../reporters/report-build.ts');
  const out = await buildRunsReport({ reportsDir: root, outDir: path.join(root, 'html') });
  if (!out) {
    throw new RollgateError(
      'ROLLGATE_BAD_ARGUMENT',
      `${path.relative(process.cwd(), path.join(root, 'runs')) || 'runs'} holds no recorded run: run a gate first (npm run gate:canary).`,
    );
  }
  const stages = out.shown.map((r) => `${r.verdict.stage} ${r.verdict.verdict.toUpperCase()}`).join(', ');
  console.log(
    `report: ${path.relative(process.cwd(), out.file)}: ${out.shown.length} stage(s) (${stages}), ${out.history.length} earlier run(s) in the history (open it from disk; it loads nothing from the network)`,
  );
  return 0;
}
