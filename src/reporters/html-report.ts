import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
// @allurereport/core ships inside the `allure` package (same version); its AllureReport class is
// exactly what `allure generate` runs, minus the CLI's process.exit() and the optional web server.
import { AllureReport, resolveConfig } from '@allurereport/core';
import { categoryRules } from './allure-categories.ts';
import { HISTORY_LIMIT } from './allure-history.ts';

export interface HtmlReportOptions {
  resultsDirs: string[];
  outDir: string;
  historyFile?: string;
  /**
   * Whether this build appends its own point to `historyFile` (default true). `rollgate report`
   * passes false: every run entered the history when it was published.
   */
  appendHistory?: boolean;
  name?: string;
}

/**
 * The awesome template always appends Google Analytics (`analyticsEnable: true` is hard-coded in
 * plugin-awesome 3.18), i.e. a gtag.js <script src> plus an inline gtag() bootstrap. A report opened
 * from disk must not phone home, so both tags are cut out.
 */
const ANALYTICS =
  /<script async src="https:\/\/www\.googletagmanager\.com\/[^"]*"><\/script>\s*<script>[\s\S]*?<\/script>/;

/**
 * Belt and braces after stripping analytics: the browser refuses any non-inline, non-data fetch, so
 * a future template change that adds a remote asset breaks visibly instead of leaking silently.
 */
const CSP =
  '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; ' +
  "script-src 'unsafe-inline' 'unsafe-eval' data: blob:; style-src 'unsafe-inline' data:; " +
  'img-src data: blob:; font-src data:; media-src data: blob:; connect-src data: blob:; frame-src data: blob:">';

function offline(html: string): string {
  const stripped = html.replace(ANALYTICS, '');
  if (/googletagmanager|gtag\(/.test(stripped)) {
    throw new Error('html-report: could not strip the analytics snippet; the Allure template changed');
  }
  return stripped.replace(/<head>/, `<head>\n    ${CSP}`);
}

/**
 * Renders one self-contained `<outDir>/index.html` from any number of allure-results directories.
 * Allure writes more than the page (summary.json, test-results.json, ...), so it renders into a
 * scratch dir and only index.html is copied out: outDir ends up holding exactly one file.
 */
export async function buildHtmlReport(o: HtmlReportOptions): Promise<{ file: string }> {
  const resultsDirs = o.resultsDirs.map((d) => path.resolve(d));
  for (const dir of resultsDirs) {
    if (!existsSync(dir)) throw new Error(`html-report: results dir not found: ${dir}`);
  }
  const outDir = path.resolve(o.outDir);
  const scratch = await mkdtemp(path.join(tmpdir(), 'rollgate-allure-'));
  try {
    // resolveConfig, not readConfig: readConfig would pick up any allurerc.* lying in process.cwd().
    // Every path is absolute because Allure resolves relative ones against process.cwd(); cwd is
    // pinned to the scratch dir so nothing cwd-relative can land in the caller's working tree.
    const config = await resolveConfig(
      {
        name: o.name ?? 'rollgate',
        output: scratch,
        open: false,
        ...(o.historyFile ? { historyPath: path.resolve(o.historyFile), historyLimit: HISTORY_LIMIT } : {}),
        appendHistory: o.appendHistory ?? true,
        // Budget breaches, product failures, harness or environment errors: see allure-categories.ts.
        categories: categoryRules(),
        plugins: {
          awesome: { options: { singleFile: true, reportLanguage: 'en' } },
          // Allure adds its agent plugin unless one is configured; it writes markdown for AI agents
          // we have no use for, so it is declared here only to be switched off.
          agent: { enabled: false },
        },
      },
      { cwd: scratch },
    );
    const report = new AllureReport(config);
    await report.start();
    for (const dir of resultsDirs) await report.readDirectory(dir);
    await report.done();

    // Allure swallows plugin exceptions (console.error only), so a missing page is the failure signal.
    const rendered = path.join(scratch, 'index.html');
    if (!existsSync(rendered)) throw new Error('html-report: Allure produced no index.html (see stderr)');
    await mkdir(outDir, { recursive: true });
    const file = path.join(outDir, 'index.html');
    await writeFile(file, offline(await readFile(rendered, 'utf8')));
    return { file };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
