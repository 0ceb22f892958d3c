import type { Budget } from '../../model/runbook.ts';
import type { SourceItem } from '../../model/sources.ts';

/**
 * The TypeScript `rollgate import` writes: a runbook module and one placeholder suite per stage,
 * importing only the package's public subpaths, formatted as a person would (two-space indent,
 * single quotes, one field a line).
 */

export interface ImportedStage {
  name: string;
  description?: string;
  suite: string;
  budgets: Budget[];
  shell: { line: number; lang: string; text: string }[];
  placeholders: { title: string; hint: string; section: string; id: string }[];
}

export interface ImportedRunbook {
  name: string;
  document: string;
  title?: string;
  baseURL: string;
  stages: ImportedStage[];
  budgets: Budget[];
  signoffs: { title: string; stage: string; role?: string; reason?: string }[];
  sources: { document: string; title?: string; items: SourceItem[] }[];
  preamble: { line: number; lang: string; text: string }[];
}

/** A string literal in single quotes. */
export function quote(s: string): string {
  return `'${s
    .replace(/\\/g, '\\\\')
    .replace(/'/g, "\\'")
    .replace(/\r/g, '\\r')
    .replace(/\n/g, '\\n')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')}'`;
}

const key = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : quote(k));
const WIDTH = 100;

/** A value as a TypeScript literal at `indent`: short objects and arrays on one line, others one field a line. */
export function literal(v: unknown, indent = ''): string {
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return 'undefined';
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (!v.length) return '[]';
    const flat = `[${v.map((x) => literal(x, inner)).join(', ')}]`;
    if (!flat.includes('\n') && flat.length + indent.length < WIDTH) return flat;
    return `[\n${v.map((x) => `${inner}${literal(x, inner)},`).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  if (!entries.length) return '{}';
  const flat = `{ ${entries.map(([k, x]) => `${key(k)}: ${literal(x, inner)}`).join(', ')} }`;
  if (!flat.includes('\n') && flat.length + indent.length < WIDTH) return flat;
  return `{\n${entries.map(([k, x]) => `${inner}${key(k)}: ${literal(x, inner)},`).join('\n')}\n${indent}}`;
}

/** Lines as `//` comments (nothing in them can end a comment early). */
function comment(text: string, indent: string): string[] {
  return text.split(/\r?\n|\u2028|\u2029/).map((l) => `${indent}//${l ? ` ${l}` : ''}`);
}

const PEOPLE = 'PEOPLE';

/** Text inside a block comment: nothing in it may end the comment. */
const inDoc = (s: string) => s.replace(/\*\//g, '*\\/').replace(/[\r\n\u2028\u2029]+/g, ' ');

function shellComments(blocks: ImportedStage['shell'], document: string, indent: string): string[] {
  return blocks.flatMap((b) => [
    `${indent}// Shell from ${document} line ${b.line} (kept as written, credentials masked):`,
    ...comment(b.text.replace(/^/gm, '  '), indent),
  ]);
}

/** The runbook module. */
export function runbookSource(rb: ImportedRunbook, peopleReason: string): string {
  const out: string[] = [];
  const anyPeople = rb.signoffs.some((s) => s.reason === peopleReason);
  out.push(`import { defineRunbook${rb.signoffs.length ? ', manual' : ''} } from 'rollgate';`, '');
  out.push(
    '/**',
    ` * ${rb.title ? `${inDoc(rb.title)}: imported` : 'Imported'} by \`rollgate import\` from ${inDoc(rb.document)}.`,
    ' *',
    ' * Every checklist line, metric row and threshold of the plan is an item under `sources` below,',
    ' * encoded by a sign-off (a decision or an action of people) or by a placeholder check in the',
    " * stage's suite. A placeholder always errors (ROLLGATE_PLACEHOLDER), so each stage HOLDs until",
    ' * its checks are written. Targets of metric tables and threshold lists are budgets: a load',
    ' * profile or a metric check on the stage measures them. `npx rollgate coverage` shows what is',
    ' * still missing; docs/coverage.md says how to finish an imported runbook.',
    ' */',
    '',
  );
  if (anyPeople)
    out.push(
      '/** Why a person signs these items rather than a check observing them. */',
      `const ${PEOPLE} = ${quote(peopleReason)};`,
      '',
    );
  if (rb.preamble.length) out.push(...shellComments(rb.preamble, rb.document, ''), '');
  out.push('export default defineRunbook({');
  out.push(`  name: ${quote(rb.name)},`);
  out.push(`  description: ${quote(`Imported from ${rb.document}${rb.title ? `: ${rb.title}` : ''}`)},`);
  out.push(`  targets: { app: { baseURL: ${quote(rb.baseURL)} } },`);
  out.push('  stages: {');
  for (const st of rb.stages) {
    out.push(...shellComments(st.shell, rb.document, '    '));
    const fields: Record<string, unknown> = {
      description: st.description,
      target: 'app',
      suites: [st.suite],
      ...(st.budgets.length ? { budgets: st.budgets } : {}),
    };
    out.push(`    ${key(st.name)}: ${literal(fields, '    ')},`);
  }
  out.push('  },');
  if (rb.budgets.length) out.push(`  budgets: ${literal(rb.budgets, '  ')},`);
  if (rb.signoffs.length) {
    out.push('  signoffs: [');
    for (const s of rb.signoffs) {
      const opts = [
        `stage: ${quote(s.stage)}`,
        ...(s.role ? [`role: ${quote(s.role)}`] : []),
        ...(s.reason ? [`reason: ${s.reason === peopleReason ? PEOPLE : quote(s.reason)}`] : []),
      ];
      const one = `    manual(${quote(s.title)}, { ${opts.join(', ')} }),`;
      out.push(
        one.length <= WIDTH
          ? one
          : `    manual(\n      ${quote(s.title)},\n      { ${opts.join(', ')} },\n    ),`,
      );
    }
    out.push('  ],');
  }
  // A sign-off's item needs no empty `checks`.
  const sources = rb.sources.map((src) => ({
    ...src,
    items: src.items.map(({ checks, ...rest }) => (checks.length ? { ...rest, checks } : rest)),
  }));
  if (sources.length) out.push(`  sources: ${literal(sources, '  ')},`);
  out.push('});', '');
  return out.join('\n');
}

/** A stage's placeholder suite. */
export function suiteSource(rb: ImportedRunbook, st: ImportedStage): string {
  const out = [
    "import { placeholder } from 'rollgate/vitest';",
    '',
    '/**',
    ` * Stage "${st.name}" of the runbook "${rb.name}", imported by \`rollgate import\` from ${inDoc(rb.document)}.`,
    ' * Each placeholder is a line of the plan no check observes yet, and always errors',
    ' * (ROLLGATE_PLACEHOLDER), so the stage HOLDs. Replace it with the real check, keeping its title',
    " * (the runbook's sources name it by the id the title gives), or change the item in `sources`:",
    ' *',
    " *   import { check } from 'rollgate/vitest';",
    " *   import { probe } from 'rollgate/checks';",
    ' *',
    " *   check('<the same title>', async ({ context, require }) => {",
    " *     const res = await probe(context.baseURL + '/healthz', { timeoutMs: 5000 });",
    " *     require({ name: 'status', operator: '==', expected: 200 }, res.status);",
    ' *   });',
    ' */',
  ];
  let section: string | undefined;
  for (const p of st.placeholders) {
    out.push('');
    if (p.section !== section) {
      out.push(...comment(p.section, ''));
      section = p.section;
    }
    out.push(`// check id: ${p.id}`);
    out.push(`placeholder(\n  ${quote(p.title)},\n  ${quote(p.hint)},\n);`);
  }
  out.push('');
  return out.join('\n');
}
