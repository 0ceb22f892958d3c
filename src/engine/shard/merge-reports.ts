import path from 'node:path';
import { execa } from 'execa';
import { firstLines } from '../plan.ts';
import { runnerCli } from '../run-config/invocation.ts';

/** The merged Playwright report's folder in the merged run's folder. */
export const MERGED_REPORT_DIR = 'playwright-report';

/**
 * Playwright's own `merge-reports` over the shards' blob reports: one HTML report of every golden
 * path in the merged run's folder (`playwright-report/index.html`). Run with the @playwright/test
 * rollgate runs its golden paths with. It is a report, not the verdict (that comes from the shards'
 * results): a failure is returned as a message to print, never thrown.
 */
export async function mergeBlobReports(o: {
  root: string;
  blobDir: string;
  runDir: string;
  env: NodeJS.ProcessEnv;
}): Promise<{ report: string } | { error: string }> {
  const report = path.join(o.runDir, MERGED_REPORT_DIR);
  try {
    const r = await execa(
      process.execPath,
      [runnerCli('playwright'), 'merge-reports', '--reporter', 'html', o.blobDir],
      {
        cwd: o.root,
        env: {
          ...o.env,
          PLAYWRIGHT_HTML_OUTPUT_DIR: report,
          PLAYWRIGHT_HTML_OPEN: 'never',
          NO_COLOR: '1',
        },
        reject: false,
        stdin: 'ignore',
        all: true,
      },
    );
    if (r.exitCode !== 0)
      return {
        error: `playwright merge-reports exited with ${r.exitCode ?? r.signal}: ${firstLines(String(r.all ?? ''))}`,
      };
    return { report: path.join(report, 'index.html') };
  } catch (error) {
    return { error: `playwright merge-reports could not run: ${(error as Error).message}` };
  }
}
