import type { Budget } from '../../model/runbook.ts';

/**
 * The markers `rollgate render` writes and `rollgate import` reads back, so that importing what
 * render wrote gives the same stages, source items and budgets: a stage is a heading
 * `Stage: <name>`, and each kind of fact is a table with a header no deployment plan has.
 */

/** The comment render writes under the title; import takes the runbook's name from it. */
export const RENDER_COMMENT = (name: string, file: string) =>
  `rollgate render: runbook "${name}" from ${file}. rollgate import reads this file back: stages, source items and budgets.`;
export const RENDER_COMMENT_PATTERN = /^rollgate render: runbook "([a-z0-9][a-z0-9-]*)"/;

export const stageHeading = (name: string) => `Stage: ${name}`;
export const STAGE_HEADING = /^Stage:\s*([a-z][a-z0-9-]*)$/;
export const documentHeading = (document: string) => `Document: ${document}`;
export const DOCUMENT_HEADING = /^Document:\s*(.+)$/;
export const DOCUMENT_TITLE = /^Title:\s*(.+)$/;
export const RUNBOOK_BUDGETS_HEADING = 'Budgets of every stage';

/** Table headers, exactly as render writes them. */
export const TABLES = {
  settings: ['Setting', 'Value'],
  checks: ['Check', 'Title', 'Kind', 'Blocking'],
  budgets: ['Budget', 'Operator', 'Value', 'Unit', 'Options', 'Declared'],
  metricChecks: ['Metric check', 'Query', 'Condition', 'Blocking'],
  signoffs: ['Sign-off', 'Stage', 'Role', 'Reason'],
  sources: ['Section', 'Item', 'Kind', 'Encoded by', 'Status'],
} as const;
export type RenderTable = keyof typeof TABLES;

/** Which render table a header is, if any. */
export function renderTableOf(header: readonly string[]): RenderTable | undefined {
  for (const [name, cols] of Object.entries(TABLES) as [RenderTable, readonly string[]][])
    if (cols.length === header.length && cols.every((c, i) => c === header[i])) return name;
  return undefined;
}

/** The `Declared` column: a budget of the stage's own, or the runbook's for every stage. */
export const DECLARED = { stage: 'this stage', runbook: 'every stage' } as const;

/** An empty cell. */
export const NONE = '—';

/** A table cell: `|` and `\` escaped, line breaks as spaces (splitRow reads it back exactly). */
export const cell = (s: string) => s.replace(/\r?\n/g, ' ').replace(/\\/g, '\\\\').replace(/\|/g, '\\|');

export const SIGNOFF_PREFIX = 'sign-off: ';

/** The `Encoded by` cell: `sign-off: <title>`, or each check reference in backticks. */
export function encodedByCell(item: { checks: readonly string[]; signoff?: string }): string {
  if (item.signoff) return `${SIGNOFF_PREFIX}${item.signoff}`;
  if (item.checks.length) return item.checks.map((c) => `\`${c}\``).join(', ');
  return NONE;
}

export function parseEncodedBy(text: string): { checks: string[]; signoff?: string } {
  if (text.startsWith(SIGNOFF_PREFIX)) return { checks: [], signoff: text.slice(SIGNOFF_PREFIX.length) };
  return { checks: [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!) };
}

/** A budget's optional fields as one cell: `minSamples=30, metric=p95`. */
export function budgetOptionsCell(b: Budget): string {
  const parts: string[] = [];
  if (b.minSamples !== undefined) parts.push(`minSamples=${b.minSamples}`);
  if (b.metric) parts.push(`metric=${b.metric}`);
  if (b.lowVolume) parts.push(`lowVolume=${b.lowVolume}`);
  if (b.endpoint) parts.push(`endpoint=${b.endpoint}`);
  return parts.join(', ') || NONE;
}

/** A render budget row back to a budget; undefined when it is not one render wrote. */
export function budgetFromRow(cells: readonly string[]): { budget: Budget; declared: string } | undefined {
  const [name, operator, value, unit, options, declared] = cells;
  if (!name || !operator || !/^(<|<=|>|>=|==|!=)$/.test(operator) || value === undefined) return undefined;
  const v = Number(value);
  if (!Number.isFinite(v) || value.trim() === '') return undefined;
  const b: Record<string, unknown> = { name, operator, value: v };
  if (unit && unit !== NONE) b.unit = unit;
  if (options && options !== NONE)
    for (const part of options.split(/,\s*/)) {
      const m = /^(minSamples|metric|lowVolume|endpoint)=(.+)$/.exec(part.trim());
      if (!m) continue;
      b[m[1]!] = m[1] === 'minSamples' ? Number(m[2]) : m[2];
    }
  return { budget: b as Budget, declared: declared ?? DECLARED.stage };
}
