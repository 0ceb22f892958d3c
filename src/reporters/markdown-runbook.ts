import {
  budgetOptionsCell,
  cell,
  DECLARED,
  documentHeading,
  encodedByCell,
  NONE,
  RENDER_COMMENT,
  type RenderTable,
  RUNBOOK_BUDGETS_HEADING,
  stageHeading,
  TABLES,
} from '../config/markdown/render-format.ts';
import type { StageChecks } from '../engine/coverage/stage-checks.ts';
import type { CoverageItem, CoverageReport } from '../model/coverage.ts';
import { formatDuration } from '../model/governance.ts';
import type { Budget, Runbook, Stage } from '../model/runbook.ts';

/**
 * A runbook as readable markdown (`rollgate render`): title and description, each stage (target,
 * settings, checks by id and title, budgets, metric checks), sign-offs with roles and reasons, and
 * the source items per document and section with what encodes each. Written with the markers of
 * render-format.ts, so `rollgate import` of it gives back the same stages, item labels and budgets.
 * Values of secrets are never read: targets show their URL or command, not their environment.
 */

/** Prose as one paragraph that no reader takes for a list, heading, table or fence. */
const paragraph = (s: string) => {
  const one = s.replace(/\s*\r?\n\s*/g, ' ').trim();
  return /^([#>*+|-]|\d+[.)]\s|```|~~~|<!--)/.test(one) ? `\\${one}` : one;
};

const code = (s: string) => (s.includes('`') ? s : `\`${s}\``);

function tableLines(kind: RenderTable, rows: string[][]): string[] {
  const head = TABLES[kind];
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map((c) => (c === '' ? NONE : c)).join(' | ')} |`),
  ];
}

function budgetRows(budgets: readonly Budget[], declared: (b: Budget) => string): string[][] {
  return budgets.map((b) => [
    cell(b.name),
    b.operator,
    String(b.value),
    b.unit ? cell(b.unit) : NONE,
    cell(budgetOptionsCell(b)),
    declared(b),
  ]);
}

const same = (a: Budget, b: Budget) => JSON.stringify(a) === JSON.stringify(b);

function settings(rb: Runbook, name: string, st: Stage): string[][] {
  const rows: string[][] = [];
  const t = rb.targets[st.target]!;
  const where = t.baseURL
    ? t.baseURL
    : t.embedded
      ? `an app rollgate starts: ${code(t.embedded.command.join(' '))}`
      : 'no address';
  rows.push(['Target', cell(`${code(st.target)}: ${where}`)]);
  if (st.baseline) rows.push(['Baseline', cell(code(st.baseline))]);
  if (st.checks.length) rows.push(['Built-in checks', cell(st.checks.join(', '))]);
  if (st.suites.length) rows.push(['Suites', cell(st.suites.map(code).join(', '))]);
  if (st.smoke)
    rows.push([
      'Golden paths',
      cell(`${st.smoke.specs.map(code).join(', ')}${st.smoke.grep ? ` (grep ${code(st.smoke.grep)})` : ''}`),
    ]);
  if (st.load) rows.push(['Load', cell(`${code(st.load.profile)} (engine ${st.load.engine})`)]);
  const req = st.requires;
  if (req && (req.stages.length || req.drill || req.watch)) {
    const parts = [
      ...req.stages.map(
        (r) => `${r.stage} promoted the release${r.soak ? ` at least ${formatDuration(r.soak)} ago` : ''}`,
      ),
      ...(req.drill ? [`a passing ${req.drill.stage} drill within ${formatDuration(req.drill.within)}`] : []),
      ...(req.watch ? [`${formatDuration(req.watch.span)} of passing ${req.watch.stage} watch runs`] : []),
    ];
    rows.push(['Requires', cell(parts.join('; '))]);
  }
  if (st.windows.length)
    rows.push([
      'Windows',
      cell(st.windows.map((w) => `${w.days.join(', ')} ${w.from}–${w.to} (${w.timeZone})`).join('; ')),
    ]);
  if (st.maintenance) {
    const m = st.maintenance;
    rows.push([
      'Maintenance',
      cell(
        `on: ${m.enable.method} ${m.enable.path}; off: ${m.disable.method} ${m.disable.path}; proven by ${m.probe.path} answering ${m.probe.status}`,
      ),
    ]);
  }
  if (st.availability) {
    const a = st.availability;
    rows.push([
      'Availability',
      cell(
        `${a.path} answers ${a.status} every ${a.intervalMs} ms while the stage runs, at most ${a.maxFailures} failed`,
      ),
    ]);
  }
  if (st.drill)
    rows.push([
      'Drill',
      cell(
        `newest backup in ${code(st.drill.backups.dir)} matching ${code(st.drill.backups.pattern)}; RPO ${formatDuration(st.drill.rpo)}, RTO ${formatDuration(st.drill.rto)}`,
      ),
    ]);
  if (st.watch)
    rows.push([
      'Watch',
      cell(
        `every ${formatDuration(st.watch.interval)} for ${formatDuration(st.watch.duration)}, failure limit ${st.watch.failureLimit}`,
      ),
    ]);
  if (st.advisory.length) rows.push(['Advisory', cell(st.advisory.map(code).join(', '))]);
  if (st.timeoutMs) rows.push(['Timeout', `${st.timeoutMs} ms`]);
  void name;
  return rows;
}

export interface RenderInput {
  file: string;
  runbook: Runbook;
  lists: StageChecks[];
  coverage?: CoverageReport;
}

/** The runbook as markdown (see the module comment). */
export function renderRunbookMarkdown({ file, runbook: rb, lists, coverage }: RenderInput): string {
  const out: string[] = [`# ${rb.name}`, '', `<!-- ${RENDER_COMMENT(rb.name, file)} -->`, ''];
  if (rb.description) out.push(paragraph(rb.description), '');
  if (rb.budgets.length)
    out.push(
      `## ${RUNBOOK_BUDGETS_HEADING}`,
      '',
      'A stage declaring a budget of the same name overrides it.',
      '',
      ...tableLines(
        'budgets',
        budgetRows(rb.budgets, () => DECLARED.runbook),
      ),
      '',
    );
  for (const [name, st] of Object.entries(rb.stages)) {
    out.push(`## ${stageHeading(name)}`, '');
    if (st.description) out.push(paragraph(st.description), '');
    out.push(...tableLines('settings', settings(rb, name, st)), '');
    const list = lists.find((l) => l.name === name);
    out.push('### Checks', '');
    if (list?.checks.length)
      out.push(
        ...tableLines(
          'checks',
          list.checks.map((c) => [
            code(c.id),
            cell(`${c.title}${c.placeholder ? ' (placeholder: not written yet)' : ''}`),
            c.kind,
            c.blocking ? 'blocking' : 'advisory',
          ]),
        ),
        '',
      );
    else out.push('No check is known without running the stage.', '');
    for (const p of [...(list?.problems ?? []), ...(list?.empty ?? [])])
      out.push(`> Could not list: ${p.replace(/\n/g, ' ')}`, '');
    if (st.budgets.length)
      out.push(
        '### Budgets',
        '',
        ...tableLines(
          'budgets',
          budgetRows(st.budgets, (b) =>
            rb.budgets.some((r) => same(r, b)) ? DECLARED.runbook : DECLARED.stage,
          ),
        ),
        '',
      );
    if (st.metrics.length)
      out.push(
        '### Metric checks',
        '',
        ...tableLines(
          'metricChecks',
          st.metrics.map((m) => [
            code(`metrics/${m.name}`),
            cell(code(m.query.replace(/\s+/g, ' '))),
            cell(
              `${m.baseline ? `against the baseline (${m.baseline.mode}) ${m.baseline.operator} ${m.baseline.value}` : `${m.operator ?? '?'} ${m.value ?? '?'}`}${m.unit ? ` ${m.unit}` : ''} (${m.over}, window ${typeof m.window === 'number' ? formatDuration(m.window) : 'the load'})${m.title ? `: ${m.title}` : ''}`,
            ),
            m.advisory ? 'advisory' : 'blocking',
          ]),
        ),
        '',
      );
  }
  if (rb.signoffs.length)
    out.push(
      '## Sign-offs',
      '',
      'Each is signed for a release with `rollgate sign <stage> "<title>" --by <name>`.',
      '',
      ...tableLines(
        'signoffs',
        rb.signoffs.map((s) => [
          cell(s.title),
          code(s.stage),
          s.role ? cell(s.role) : NONE,
          s.reason ? cell(s.reason) : NONE,
        ]),
      ),
      '',
    );
  if (rb.sources.length) {
    out.push('## Sources', '', 'Each line of the documents this runbook encodes, and what encodes it.', '');
    rb.sources.forEach((src, d) => {
      out.push(`### ${documentHeading(src.document)}`, '');
      if (src.title) out.push(`Title: ${paragraph(src.title)}`, '');
      const assessed: (CoverageItem | undefined)[] = coverage?.documents[d]?.items ?? [];
      out.push(
        ...tableLines(
          'sources',
          src.items.map((it, i) => [
            cell(it.section),
            cell(it.label),
            it.kind,
            cell(encodedByCell(it)),
            assessed[i]?.status ?? 'not assessed',
          ]),
        ),
        '',
      );
    });
  }
  return `${out.join('\n').trimEnd()}\n`;
}
