import path from 'node:path';
import { type Outline, outlineMarkdown } from '../../config/markdown/outline.ts';
import { PEOPLE_REASON } from '../../config/markdown/stages.ts';
import { Runbook } from '../../model/runbook.ts';
import type { SourceItem } from '../../model/sources.ts';
import { checkIdentity } from '../identity.ts';
import { MASK, maskCredentials } from './import-mask.ts';
import {
  type ImportedRunbook,
  type ImportedStage,
  quote,
  runbookSource,
  suiteSource,
} from './runbook-source.ts';

/**
 * `rollgate import`'s work without the file system: a markdown plan → a runbook skeleton (its
 * module and one placeholder suite per stage) that validates and HOLDs until the placeholders are
 * written. Credentials are masked in the plan's text before anything reads it.
 */

export interface ImportInput {
  markdown: string;
  /** The plan's file name, recorded as the source's document. */
  document: string;
  /** The runbook's name; default: the one a rendered runbook records, else from the file name. */
  name?: string;
  baseURL: string;
  /** Where the files go, relative to the project root, with `/`. @example 'runbooks/lantern' */
  outDir: string;
}

export interface ImportOutput {
  name: string;
  /** The files to write, relative to the project root, with `/`. */
  files: { rel: string; text: string }[];
  runbookFile: string;
  /** The runbook as data, parsed (what loading the written module gives). */
  runbook: Runbook;
  counts: { stages: number; items: number; signoffs: number; placeholders: number; budgets: number };
  notes: string[];
  /** How many credentials were masked. */
  masked: number;
}

/** `Lantern Rollout-Plan.md` → `lantern-rollout-plan`. */
export function nameFromFile(file: string): string {
  const base = path
    .basename(file)
    .replace(/\.(md|markdown|mdown|txt)$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return /^[a-z0-9]/.test(base) ? base : 'imported';
}

/** The generic placeholder of a stage no line of the plan gives a check (a stage must gate something). */
const STAGE_PLACEHOLDER = (stage: string) => `the checks of stage ${stage}`;

export async function importMarkdown(input: ImportInput): Promise<ImportOutput> {
  const masked = await maskCredentials(input.markdown, input.document);
  const outline = outlineMarkdown(masked.text, input.document);
  const name = input.name ?? outline.renderedName ?? nameFromFile(input.document);
  const outDir = input.outDir.replace(/\\/g, '/').replace(/\/+$/, '') || '.';
  const rb = buildRunbook(outline, { name, baseURL: input.baseURL, outDir, document: input.document });
  const runbookFile = `${outDir}/${name}.runbook.ts`;
  let files = [
    { rel: runbookFile, text: runbookSource(rb, PEOPLE_REASON) },
    ...rb.stages.map((st) => ({ rel: st.suite, text: suiteSource(rb, st) })),
  ];
  // Belt and braces: a credential found in the plan that also stood elsewhere in it (not as a
  // credential) reaches no file either, as written or as a string literal writes it. (Values under
  // 4 characters are left out: masking them would garble the files.)
  const found = masked.values.filter((v) => v.length >= 4);
  if (found.length) {
    const forms = [...new Set(found.flatMap((v) => [v, quote(v).slice(1, -1)]))];
    files = files.map((f) => ({ ...f, text: forms.reduce((t, v) => t.replaceAll(v, MASK), f.text) }));
  }
  const parsed = Runbook.safeParse(toRunbookInput(rb));
  if (!parsed.success)
    throw new Error(
      `rollgate import made a runbook its own schema refuses (a bug in rollgate): ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return {
    name,
    files,
    runbookFile,
    runbook: parsed.data,
    counts: {
      stages: rb.stages.length,
      items: rb.sources.reduce((n, s) => n + s.items.length, 0),
      signoffs: rb.signoffs.length,
      placeholders: rb.stages.reduce((n, s) => n + s.placeholders.length, 0),
      budgets: rb.budgets.length + rb.stages.reduce((n, s) => n + s.budgets.length, 0),
    },
    notes: outline.notes,
    masked: masked.values.length,
  };
}

/** The runbook as `defineRunbook` receives it (what the written module exports). */
function toRunbookInput(rb: ImportedRunbook) {
  return {
    name: rb.name,
    description: `Imported from ${rb.document}${rb.title ? `: ${rb.title}` : ''}`,
    targets: { app: { baseURL: rb.baseURL } },
    stages: Object.fromEntries(
      rb.stages.map((s) => [
        s.name,
        { description: s.description, target: 'app', suites: [s.suite], budgets: s.budgets },
      ]),
    ),
    budgets: rb.budgets,
    signoffs: rb.signoffs,
    sources: rb.sources,
  };
}

function buildRunbook(
  o: Outline,
  m: { name: string; baseURL: string; outDir: string; document: string },
): ImportedRunbook {
  if (!o.stages.length) o.stages.push({ name: 'preflight', budgets: [], shell: [], renderedChecks: [] });
  const stages: ImportedStage[] = o.stages.map((s) => ({
    name: s.name,
    description: s.title,
    suite: `${m.outDir}/${s.name}.suite.ts`,
    budgets: s.budgets,
    shell: s.shell,
    placeholders: [],
  }));
  const stageOf = (name: string) => stages.find((s) => s.name === name) ?? stages[0]!;
  const signoffs: ImportedRunbook['signoffs'] = [];
  const documents = new Map<string, { document: string; title?: string; items: SourceItem[] }>();
  for (const d of o.documents) documents.set(d.document, { ...d, items: [] });
  for (const it of o.items) {
    const doc = documents.get(it.document) ?? { document: it.document, title: o.title, items: [] };
    documents.set(it.document, doc);
    const base = { section: it.section, label: it.label, kind: it.kind };
    if (it.encode.as === 'signoff') {
      const stage = it.encode.stage ?? it.stage;
      let title = it.encode.title ?? it.label;
      const taken = (t: string) => signoffs.find((s) => s.title === t);
      const same = taken(title);
      // A rendered sign-off names one declared sign-off; two plan lines of the same words are two.
      if (!(same && it.encode.title && same.stage === stage)) {
        if (same) title = `${title} (${stage})`;
        for (let n = 2; taken(title); n++) title = `${it.encode.title ?? it.label} (${stage} ${n})`;
        signoffs.push({ title, stage, role: it.encode.role, reason: it.encode.reason ?? PEOPLE_REASON });
      }
      doc.items.push({ ...base, checks: [], signoff: title });
      continue;
    }
    const st = stageOf(it.stage);
    const id = addPlaceholder(st, it.label, it.encode.hint, it.section);
    doc.items.push({ ...base, checks: [id] });
  }
  // A rendered runbook's sign-offs no item names are declared all the same.
  for (const s of o.signoffs)
    if (!signoffs.some((x) => x.title === s.title))
      signoffs.push({ title: s.title, stage: s.stage ?? stages[0]!.name, role: s.role, reason: s.reason });
  // A stage must gate something: one with no line to check gets a placeholder of its own.
  for (const st of stages)
    if (!st.placeholders.length)
      addPlaceholder(
        st,
        STAGE_PLACEHOLDER(st.name),
        `stage ${st.name} was imported from ${m.document} with no line a check observes (only sign-offs, budgets or nothing): write what must hold before it promotes (health, the deployed version, the app's own checks)`,
        st.description ?? st.name,
      );
  return {
    name: m.name,
    document: m.document,
    title: o.title,
    baseURL: m.baseURL,
    stages,
    budgets: o.budgets,
    signoffs,
    sources: [...documents.values()].filter((d) => d.items.length),
    preamble: o.preamble,
  };
}

/** Adds a placeholder with a title unique in its suite; returns its check id as the gate reports it. */
function addPlaceholder(st: ImportedStage, label: string, hint: string, section: string): string {
  // vitest lists a test's title path joined with " > ": a title holding one would be read as two.
  const base = label.replace(/ > /g, ' >');
  let title = base;
  let ident = checkIdentity(st.suite, [title]);
  for (let n = 2; st.placeholders.some((p) => p.id === ident.id || p.title === title); n++) {
    title = `${base} (${n})`;
    ident = checkIdentity(st.suite, [title]);
  }
  st.placeholders.push({ title, hint, section, id: ident.id });
  return ident.id;
}
