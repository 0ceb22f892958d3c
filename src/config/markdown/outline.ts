import type { Budget } from '../../model/runbook.ts';
import type { SourceItemKind } from '../../model/sources.ts';
import { type Block, parseBlocks, type TableBlock } from './blocks.ts';
import { headingText, plainText } from './inline.ts';
import {
  budgetName,
  budgetOf,
  type Condition,
  complement,
  defaultOperator,
  type Level,
  type MetricStatement,
  parseCondition,
  parseStatement,
} from './metric-lines.ts';
import {
  budgetFromRow,
  DECLARED,
  DOCUMENT_HEADING,
  DOCUMENT_TITLE,
  NONE,
  parseEncodedBy,
  RENDER_COMMENT_PATTERN,
  renderTableOf,
  STAGE_HEADING,
} from './render-format.ts';
import {
  isPeopleLine,
  isStepLine,
  PEOPLE_REASON,
  roleOf,
  type SectionKind,
  sectionKindOf,
  stageOfHeading,
} from './stages.ts';

/**
 * A deployment plan in markdown, read into what a runbook skeleton needs: stages, source items
 * (each to be a sign-off or a placeholder check), budgets and shell blocks, plus notes on what
 * was left out and why. Pure: no files, no ids (the importer gives each placeholder its check id).
 */

export interface OutlineItem {
  document: string;
  section: string;
  label: string;
  kind: SourceItemKind;
  line: number;
  /** The stage whose gate it belongs to. */
  stage: string;
  encode:
    | { as: 'signoff'; title?: string; role?: string; reason?: string; stage?: string }
    | { as: 'placeholder'; hint: string };
}

export interface OutlineStage {
  name: string;
  /** The heading it came from (absent for a stage made for items before the first heading that names one). */
  title?: string;
  line?: number;
  budgets: Budget[];
  shell: { line: number; lang: string; text: string }[];
  /** Ids a rendered runbook listed for the stage (render's checks table). */
  renderedChecks: string[];
}

export interface Outline {
  document: string;
  title?: string;
  /** The runbook's name when the file is one `rollgate render` wrote. */
  renderedName?: string;
  stages: OutlineStage[];
  /** Budgets of every stage (a monitoring section's targets, or targets before the first stage). */
  budgets: Budget[];
  items: OutlineItem[];
  /** Documents a rendered runbook recorded (their titles), in order. */
  documents: { document: string; title?: string }[];
  /** Shell blocks before any stage. */
  preamble: { line: number; lang: string; text: string }[];
  /** What was read but is not an item, with its line: prose lists, other tables, other code. */
  notes: string[];
  /** Sign-offs a rendered runbook declared (its sign-offs table), items or not. */
  signoffs: { title: string; stage?: string; role?: string; reason?: string }[];
}

const SHELL = new Set([
  '',
  'sh',
  'bash',
  'shell',
  'console',
  'zsh',
  'terminal',
  'shell-session',
  'powershell',
  'ps1',
  'cmd',
  'fish',
]);

const MONITORING =
  /\b(?:monitor\w*|observability|metrics|dashboards?|slos?|slis?|kpis?|alerts?|alerting|thresholds?)\b/i;

const KINDS = ['checkbox', 'metric', 'threshold', 'criterion', 'rollback', 'step'] as const;

/** `canary:metrics/error-ratio` → `metrics/error-ratio`. */
const parseRef = (ref: string) => ref.replace(/^[a-z][a-z0-9-]*:/, '');

interface PendingLimit {
  /** The stage (or undefined: every stage) the budget would go to. */
  scope: string | undefined;
  name: string;
  condition: Condition;
  item: OutlineItem;
  why: string;
}

/** Outlines a markdown plan. `document` is its file name, recorded as the source's document. */
export function outlineMarkdown(markdown: string, document: string): Outline {
  const blocks = parseBlocks(markdown);
  const out: Outline = {
    document,
    stages: [],
    budgets: [],
    items: [],
    documents: [],
    preamble: [],
    notes: [],
    signoffs: [],
  };
  const headings: { level: number; text: string }[] = [];
  let stage: (OutlineStage & { level: number }) | undefined;
  /** The current stage's heading on the heading stack: while it is there, lines are the stage's own. */
  let stageEntry: { level: number; text: string } | undefined;
  const firstHeading = blocks.find((b) => b.type === 'heading');
  const titleBlock = firstHeading?.type === 'heading' && firstHeading.level === 1 ? firstHeading : undefined;
  if (titleBlock) out.title = headingText(titleBlock.text);
  /** Budgets already set per scope (stage name, or '' for every stage): a second target of a name is an item only. */
  const pending: PendingLimit[] = [];
  /** In a rendered runbook: the document the sources table rows belong to. */
  let renderedDocument: string | undefined;
  let lastBlock: Block | undefined;
  /** Sign-offs a rendered runbook declared: title → stage, role, reason. */
  const renderedSignoffs = new Map<string, { stage?: string; role?: string; reason?: string }>();
  /** The source rows of a rendered runbook, with the check references each had. */
  const renderedRows: { item: OutlineItem; refs: string[] }[] = [];

  const section = () => headings.map((h) => h.text).join(' / ') || out.title || '(before the first heading)';
  const sectionKind = (): SectionKind | undefined => sectionKindOf(headings.map((h) => h.text));
  const addStage = (name: string, title?: string, line?: number, level = 0) => {
    let unique = name;
    for (let n = 2; out.stages.some((s) => s.name === unique); n++) unique = `${name}-${n}`;
    const s = { name: unique, title, line, level, budgets: [], shell: [], renderedChecks: [] };
    out.stages.push(s);
    return s;
  };
  /** The stage items go to: the nearest above, else a preflight stage before the first. */
  const currentStage = (): string => {
    if (stage) return stage.name;
    const pre = out.stages.find((s) => s.name === 'preflight' && s.title === undefined);
    return (pre ?? addStage('preflight')).name;
  };
  const stageNamed = (name: string) => out.stages.find((s) => s.name === name);
  /**
   * Where a target's budget goes: the stage when under its heading; every stage when before the
   * first stage or in a monitoring or alerting section outside the stages; else the nearest stage above.
   */
  const budgetScope = (): string | undefined => {
    if (!stage) return undefined;
    if (stageEntry && headings.includes(stageEntry)) return stage.name;
    return headings.some((h) => MONITORING.test(h.text)) ? undefined : stage.name;
  };
  const budgetsOf = (scope: string | undefined) => (scope ? stageNamed(scope)!.budgets : out.budgets);
  const hasBudget = (scope: string | undefined, name: string) =>
    budgetsOf(scope).some((b) => b.name === name) || out.budgets.some((b) => b.name === name);

  const item = (
    label: string,
    kind: SourceItemKind,
    line: number,
    encode: OutlineItem['encode'],
  ): OutlineItem => {
    const it: OutlineItem = {
      document,
      section: section(),
      label,
      kind,
      line,
      stage: currentStage(),
      encode,
    };
    out.items.push(it);
    return it;
  };

  /** A line only a person can attest, or a placeholder saying what to check. */
  const checklistItem = (label: string, kind: SourceItemKind, line: number) => {
    if (isPeopleLine(label))
      return item(label, kind, line, { as: 'signoff', role: roleOf(label), reason: PEOPLE_REASON });
    const what =
      kind === 'step'
        ? 'a step of the procedure: check the state it leaves on the target (or make it a manual() sign-off if only a person can tell)'
        : kind === 'rollback'
          ? 'a rollback criterion: check that it does not hold (or make it a manual() sign-off if only a person can tell)'
          : 'observe it on the target and require it (or make it a manual() sign-off if only a person can tell)';
    return item(label, kind, line, { as: 'placeholder', hint: hintFor(label, section(), what) });
  };

  /** A target: a budget where it is the first of its name, an item with a placeholder either way. */
  const target = (
    label: string,
    kind: SourceItemKind,
    line: number,
    name: string,
    cond: Condition,
    extra = '',
  ) => {
    const scope = budgetScope();
    const it = item(label, kind, line, { as: 'placeholder', hint: '' });
    const made = budgetOf(name, cond);
    let what: string;
    if ('problem' in made) what = `not a budget (${made.problem}): check it with a check that records it`;
    else if (hasBudget(scope, name))
      what = `another limit of "${name}" is the budget already; check this one with a check that records it`;
    else {
      budgetsOf(scope).push(made.budget);
      what = `budget ${describeBudget(made.budget)} ${scope ? `on stage ${scope}` : 'of every stage'}: measure it (a load profile on the stage, a metric check named ${name}, or a check that records a measurement named ${name}) and point this item at that check`;
    }
    it.encode = { as: 'placeholder', hint: hintFor(label, section(), `${what}${extra}`) };
    return it;
  };

  /** An alert threshold: WARN is an item only; CRITICAL becomes the budget's complement if no target sets it. */
  const threshold = (
    label: string,
    kind: SourceItemKind,
    line: number,
    name: string,
    cond: Condition,
    level: Level | undefined,
  ) => {
    const it = item(label, kind, line, { as: 'placeholder', hint: '' });
    if (level === 'warn' || level === undefined) {
      it.encode = {
        as: 'placeholder',
        hint: hintFor(
          label,
          section(),
          `an alert threshold (${level === 'warn' ? 'WARN' : 'alert'}): budgets have no advisory level; write an advisory check (stage advisory, or a metric check with advisory: true) that records ${name}`,
        ),
      };
      return it;
    }
    pending.push({
      scope: budgetScope(),
      name,
      condition: cond,
      item: it,
      why: kind === 'rollback' ? 'a rollback criterion' : 'a CRITICAL threshold',
    });
    return it;
  };

  const statementItem = (label: string, kind: SourceItemKind, line: number, st: MetricStatement) => {
    const more = st.more.length
      ? `; the line also says ${st.more.map((m) => `${m.label} ${m.condition.text}`).join(', ')}`
      : '';
    if (st.level || kind === 'rollback') {
      const it = threshold(
        label,
        kind,
        line,
        st.name,
        st.condition,
        kind === 'rollback' ? 'critical' : st.level,
      );
      if (more && it.encode.as === 'placeholder') it.encode.hint += more;
      return it;
    }
    return target(label, kind, line, st.name, st.condition, more);
  };

  for (const block of blocks) {
    const previous = lastBlock;
    lastBlock = block;
    switch (block.type) {
      case 'comment': {
        const m = RENDER_COMMENT_PATTERN.exec(block.text);
        if (m) out.renderedName = m[1];
        break;
      }
      case 'heading': {
        if (block === titleBlock) break;
        const text = headingText(block.text);
        while (headings.length && headings.at(-1)!.level >= block.level) headings.pop();
        const entry = { level: block.level, text };
        headings.push(entry);
        const doc = DOCUMENT_HEADING.exec(text);
        renderedDocument = doc ? doc[1]!.trim() : renderedDocument;
        if (doc && !out.documents.some((d) => d.document === renderedDocument))
          out.documents.push({ document: renderedDocument! });
        const name = stageOfHeading(text, STAGE_HEADING);
        if (!name) break;
        // A heading inside a stage that names the same stage is a section of it (`Production` › `Production checks`).
        if (stage && block.level > stage.level && stage.name.replace(/-\d+$/, '') === name) break;
        const explicit = STAGE_HEADING.test(text);
        const existing = stageNamed(name);
        // Items before the first stage made a preflight stage: a later preflight heading is that stage.
        if (existing && (explicit || existing.title === undefined)) {
          stage = Object.assign(existing, {
            title: existing.title ?? text,
            line: existing.line ?? block.line,
            level: block.level,
          });
        } else stage = addStage(name, text, block.line, block.level);
        stageEntry = entry;
        break;
      }
      case 'paragraph': {
        const t = DOCUMENT_TITLE.exec(block.text);
        if (t && previous?.type === 'heading' && renderedDocument) {
          const d = out.documents.find((x) => x.document === renderedDocument);
          if (d) d.title = t[1]!.trim();
        }
        break;
      }
      case 'code': {
        const shell = { line: block.line, lang: block.lang, text: block.text };
        if (!SHELL.has(block.lang)) {
          out.notes.push(`line ${block.line}: a ${block.lang} code block: not shell, left out`);
          break;
        }
        if (stage) stage.shell.push(shell);
        else if (out.stages.length) out.stages.at(-1)!.shell.push(shell);
        else out.preamble.push(shell);
        break;
      }
      case 'list-item': {
        const label = plainText(block.text);
        if (!label) {
          out.notes.push(`line ${block.line}: an empty list item, left out`);
          break;
        }
        const kindOfSection = sectionKind();
        const st = parseStatement(block.text);
        if (block.task) {
          const kind: SourceItemKind =
            kindOfSection === 'rollback'
              ? 'rollback'
              : kindOfSection === 'criterion'
                ? 'criterion'
                : 'checkbox';
          if (st?.known && st.condition.explicit && !isPeopleLine(label))
            statementItem(label, kind, block.line, st);
          else checklistItem(label, kind, block.line);
          break;
        }
        if (kindOfSection === 'rollback' || kindOfSection === 'criterion') {
          if (st?.condition.explicit) statementItem(label, kindOfSection, block.line, st);
          else checklistItem(label, kindOfSection, block.line);
          break;
        }
        if (
          st &&
          (st.level ||
            ((kindOfSection === 'threshold' || kindOfSection === 'monitoring' || st.known) &&
              st.condition.explicit))
        ) {
          statementItem(label, st.level ? 'threshold' : 'metric', block.line, st);
          break;
        }
        if (kindOfSection === 'threshold' && /\b(?:WARN(?:ING)?|CRITICAL|ALERT|PAGE)\b/.test(label)) {
          item(label, 'threshold', block.line, {
            as: 'placeholder',
            hint: hintFor(
              label,
              section(),
              'an alert threshold rollgate could not read as a metric, operator and value: write a check that records it',
            ),
          });
          break;
        }
        if (stage && (block.ordered || isStepLine(label))) {
          checklistItem(label, 'step', block.line);
          break;
        }
        out.notes.push(
          `line ${block.line}: "${short(label)}": a list line that is no checkbox, step, criterion or threshold, left as prose`,
        );
        break;
      }
      case 'table':
        readTable(block);
        break;
    }
  }

  function readTable(table: TableBlock) {
    const rendered = renderTableOf(table.header);
    if (rendered) return readRenderedTable(table, rendered);
    const header = table.header.map((h) => plainText(h).toLowerCase());
    const metricCol = header.findIndex((h) =>
      /\b(?:metric|kpi|indicator|measure\w*|signal|sl[io]|name)\b/.test(h),
    );
    const targetCols = header.flatMap((h, i) =>
      i !== metricCol &&
      /\b(?:target|goal|slo|expected|acceptable|budget|limit|normal|success|baseline)\b/.test(h)
        ? [i]
        : [],
    );
    const alertCols = header.flatMap((h, i) =>
      i !== metricCol &&
      !targetCols.includes(i) &&
      /\b(?:alert|warn\w*|critical|page|rollback|threshold|alarm|abort)\b/.test(h)
        ? [i]
        : [],
    );
    if (metricCol < 0 || (!targetCols.length && !alertCols.length)) {
      out.notes.push(
        `line ${table.line}: a table (${table.header.map(plainText).join(' | ')}) with no metric and target or threshold columns, left out`,
      );
      return;
    }
    for (const row of table.rows) {
      const metric = plainText(row.cells[metricCol] ?? '');
      if (!metric) continue;
      const { name } = budgetName(metric);
      for (const i of [...targetCols, ...alertCols]) {
        const raw = plainText(row.cells[i] ?? '');
        if (!raw || raw === NONE || /^(?:-|–|n\/?a|none|tbd)$/i.test(raw)) continue;
        const head = plainText(table.header[i] ?? '');
        const label = `${metric}: ${head} ${raw}`;
        const cond = parseCondition(raw, true);
        const alert = alertCols.includes(i);
        if (!cond) {
          item(label, alert ? 'threshold' : 'metric', row.line, {
            as: 'placeholder',
            hint: hintFor(
              label,
              section(),
              `rollgate could not read "${raw}" as an operator and a value: write a check that records ${name} and judges it`,
            ),
          });
          continue;
        }
        if (!cond.explicit) cond.operator = alert ? complement(defaultOperator(name)) : defaultOperator(name);
        // A bare "Threshold" column whose operator points the way a target does is a target.
        const targetLike = /^(<|<=)$/.test(cond.operator) === (defaultOperator(name) === '<=');
        if (!alert || (!targetCols.length && /^threshold/i.test(head) && targetLike))
          target(label, 'metric', row.line, name, cond);
        else {
          const level: Level | undefined = /warn/i.test(head)
            ? 'warn'
            : targetCols.length
              ? undefined
              : 'critical';
          threshold(label, 'threshold', row.line, name, cond, level);
        }
      }
    }
  }

  function readRenderedTable(table: TableBlock, kind: NonNullable<ReturnType<typeof renderTableOf>>) {
    switch (kind) {
      case 'budgets':
        for (const row of table.rows) {
          const b = budgetFromRow(row.cells);
          if (!b) {
            out.notes.push(`line ${row.line}: a budget row rollgate could not read back, left out`);
            continue;
          }
          const scope = b.declared === DECLARED.runbook || !stage ? undefined : stage.name;
          if (!budgetsOf(scope).some((x) => x.name === b.budget.name)) budgetsOf(scope).push(b.budget);
        }
        return;
      case 'checks':
        if (stage) stage.renderedChecks.push(...table.rows.map((r) => r.cells[0]!.replace(/^`|`$/g, '')));
        return;
      case 'signoffs':
        for (const r of table.rows) {
          const [title, st, role, reason] = r.cells;
          if (!title) continue;
          renderedSignoffs.set(title, {
            stage: st && st !== NONE ? st.replace(/^`|`$/g, '') : undefined,
            role: role && role !== NONE ? role : undefined,
            reason: reason && reason !== NONE ? reason : undefined,
          });
        }
        return;
      case 'sources':
        for (const r of table.rows) {
          const [sec, label, kind, encoded] = r.cells;
          if (!sec || !label) continue;
          const enc = parseEncodedBy(encoded ?? '');
          const it: OutlineItem = {
            document: renderedDocument ?? document,
            section: sec,
            label,
            kind: KINDS.find((x) => x === kind) ?? 'checkbox',
            line: r.line,
            stage: '',
            encode: enc.signoff
              ? { as: 'signoff', title: enc.signoff }
              : {
                  as: 'placeholder',
                  hint: hintFor(
                    label,
                    sec,
                    enc.checks.length
                      ? `the rendered runbook encoded it with ${enc.checks.join(', ')}: write that check here, or point the item at it`
                      : 'nothing encoded it in the rendered runbook: observe it on the target and require it',
                  ),
                },
          };
          out.items.push(it);
          renderedRows.push({ item: it, refs: enc.checks });
        }
        return;
      case 'settings':
      case 'metricChecks':
        return;
    }
  }

  // Rendered items: the stage a stage-qualified reference names, else the stage whose checks listed it, else the first.
  for (const { item: it, refs } of renderedRows) {
    if (it.encode.as === 'signoff') {
      const declared = renderedSignoffs.get(it.encode.title!);
      it.stage =
        declared?.stage && stageNamed(declared.stage)
          ? declared.stage
          : (out.stages[0]?.name ?? currentStage());
      it.encode = {
        as: 'signoff',
        title: it.encode.title,
        role: declared?.role,
        reason: declared?.reason ?? PEOPLE_REASON,
        stage: it.stage,
      };
      continue;
    }
    const qualified = refs.map((r) => /^([a-z][a-z0-9-]*):/.exec(r)?.[1]).find((s) => s && stageNamed(s));
    const listed = out.stages.find((s) => refs.some((r) => s.renderedChecks.includes(parseRef(r))))?.name;
    it.stage = qualified ?? listed ?? out.stages[0]?.name ?? currentStage();
  }

  for (const [title, s] of renderedSignoffs)
    out.signoffs.push({ title, ...s, stage: s.stage && stageNamed(s.stage) ? s.stage : out.stages[0]?.name });

  // CRITICAL thresholds and rollback criteria: the complement is the budget when no target set one.
  for (const p of pending) {
    const made = budgetOf(p.name, { ...p.condition, operator: complement(p.condition.operator) });
    let what: string;
    if ('problem' in made) what = `not a budget (${made.problem}): write a check that records it`;
    else if (hasBudget(p.scope, p.name))
      what = `a budget of "${p.name}" is set already; write a check that records this limit too`;
    else {
      budgetsOf(p.scope).push(made.budget);
      what = `its complement is the budget ${describeBudget(made.budget)} ${p.scope ? `on stage ${p.scope}` : 'of every stage'}: measure it (a load profile, a metric check named ${p.name}, or a check recording ${p.name}) and point this item at that check`;
    }
    p.item.encode = { as: 'placeholder', hint: hintFor(p.item.label, p.item.section, `${p.why}; ${what}`) };
  }
  return out;
}

export function describeBudget(b: Budget): string {
  return `${b.name} ${b.operator} ${b.value}${b.unit ? ` ${b.unit}` : ''}`;
}

const short = (s: string) => (s.length > 60 ? `${s.slice(0, 57)}…` : s);

/** What a placeholder says: the plan's line, its section, and what to check. */
function hintFor(label: string, section: string, what: string): string {
  return `the plan says "${label}" (${section}): ${what}`;
}
