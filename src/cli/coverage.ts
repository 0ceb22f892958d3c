import { assessCoverage } from '../engine/coverage/coverage.ts';
import { listStageChecks } from '../engine/coverage/stage-checks.ts';
import { type CoverageItem, CoverageReport } from '../model/coverage.ts';
import type { Cli } from './args.ts';
import { load } from './common.ts';

/**
 * `rollgate coverage`: for each line of the documents the runbook records (`sources`), what
 * encodes it and whether that is automated, manual or missing. Lists the stages' tests (runs
 * nothing, touches no target). Exit 0 nothing missing, 1 something missing, 2 could not tell.
 */

const NO_SOURCES = (file: string) =>
  `${file} records no documents (sources), so there is nothing to cover. Add the plan the runbook encodes, item by item:
  sources: [{ document: 'rollout-plan.md', items: [
    { section: 'Smoke tests', label: 'Login works', checks: ['golden-paths/login-works'] },
    { section: 'Approvals', label: 'Security team approval', signoff: 'Security team approval' },
  ] }]
or write the runbook from the plan with \`rollgate import <plan.md>\` (docs/coverage.md).`;

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function table(items: readonly CoverageItem[]): string[] {
  const rows = items.map((i) => [cut(i.section, 34), cut(i.label, 48), i.kind, i.status, i.detail]);
  const head = ['section', 'item', 'kind', 'status', 'encoded by / why'];
  const widths = head.slice(0, 4).map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) =>
    `  ${r
      .slice(0, 4)
      .map((x, c) => x.padEnd(widths[c]!))
      .join('  ')}  ${r[4]}`;
  return [line(head), ...rows.map(line)];
}

/** The report as the table `rollgate coverage` prints: one table per document, then the counts. */
export function coverageText(report: CoverageReport): string {
  const out = [`${report.runbook}: coverage of ${report.file}`];
  for (const d of report.documents) {
    out.push('', `${d.document}${d.title ? `: ${d.title}` : ''}`, ...table(d.items));
    out.push(
      `  ${d.document}: automated ${d.counts.automated}, manual ${d.counts.manual}, missing ${d.counts.missing}`,
    );
  }
  const c = report.counts;
  out.push('', `automated ${c.automated}, manual ${c.manual}, missing ${c.missing}`);
  return out.join('\n');
}

export async function coverageCommand(cli: Cli): Promise<number> {
  const loaded = await load(cli);
  if (!loaded.runbook.sources.length) {
    console.error(`rollgate coverage: ${NO_SOURCES(loaded.file)}`);
    return 2;
  }
  const lists = await listStageChecks(process.cwd(), loaded.runbook, process.env);
  const { report, couldNotTell } = assessCoverage(loaded, lists);
  if (cli.values.json) console.log(JSON.stringify(CoverageReport.parse(report), null, 2));
  else console.log(coverageText(report));
  if (couldNotTell.length) {
    console.error(
      `rollgate coverage: could not tell, the stages' checks are not all known:\n${couldNotTell.map((p) => `  ${p}`).join('\n')}\nFix the suites above (rollgate plan <stage> shows the same), then run coverage again.`,
    );
    return 2;
  }
  return report.counts.missing ? 1 : 0;
}
