import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Runbook } from '../../src/model/runbook.ts';

/**
 * docs/runbook-reference.md must name every field of the runbook schema, as a dotted path in
 * backticks (records as `<name>`, arrays as `[]`), and every field it names must still exist.
 */

const REFERENCE = path.resolve(import.meta.dirname, '../../docs/runbook-reference.md');

/** The parts of a JSON Schema node the walker reads. */
interface Node {
  properties?: Record<string, Node>;
  additionalProperties?: Node | boolean;
  items?: Node | boolean;
  prefixItems?: Node[];
  anyOf?: Node[];
  oneOf?: Node[];
  allOf?: Node[];
  $ref?: string;
  $defs?: Record<string, Node>;
}

/**
 * Every field path of a JSON Schema: an object's properties by name, a record's values under
 * `<name>`, an array's items under `[]`; union members, intersections and `$ref`s are walked
 * into (a `$ref` already being walked is not entered again, so recursive schemas end).
 */
function fieldPaths(root: Node): string[] {
  const found = new Set<string>();
  const resolve = (ref: string): Node | undefined => {
    const m = /^#\/\$defs\/(.+)$/.exec(ref);
    return m ? root.$defs?.[m[1]!] : ref === '#' ? root : undefined;
  };
  const walk = (node: Node | boolean | undefined, at: string, refs: readonly string[]): void => {
    if (!node || typeof node !== 'object') return;
    if (node.$ref) {
      if (refs.includes(node.$ref)) return;
      walk(resolve(node.$ref), at, [...refs, node.$ref]);
    }
    for (const member of [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])])
      walk(member, at, refs);
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const p = at ? `${at}.${key}` : key;
      found.add(p);
      walk(child, p, refs);
    }
    walk(node.additionalProperties, `${at}.<name>`, refs);
    walk(node.items, `${at}[]`, refs);
    for (const item of node.prefixItems ?? []) walk(item, `${at}[]`, refs);
  };
  walk(root, '', []);
  return [...found].sort();
}

/** What a user writes: the schema's input side (before defaults and transforms). */
function schemaPaths(schema: z.ZodType, options: { reused?: 'inline' | 'ref' } = {}): string[] {
  return fieldPaths(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', ...options }) as Node);
}

/** Paths the text does not name in backticks. */
function undocumented(text: string, paths: readonly string[]): string[] {
  return paths.filter((p) => !text.includes(`\`${p}\``));
}

/** The backticked names in the first cell of each table row: the fields the reference documents. */
function documentedFields(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line))
    .flatMap((line) => [...(line.split('|')[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
}

describe('docs/runbook-reference.md', () => {
  const paths = schemaPaths(Runbook);
  const text = () => readFileSync(REFERENCE, 'utf8');

  it('names every field of the runbook schema', () => {
    // The walker reached the deep fields; a walker finding nothing would pass vacuously.
    expect(paths).toContain('stages.<name>.load.compare.minSamples');
    expect(paths).toContain('targets.<name>.embedded.readyPath');
    expect(paths).toContain('stages.<name>.budgets[].metric');
    expect(paths.length).toBeGreaterThan(100);
    expect(undocumented(text(), paths), `fields missing from ${REFERENCE}`).toEqual([]);
  });

  it('documents no field the schema does not have', () => {
    const known = new Set(paths);
    const fields = documentedFields(text());
    expect(
      fields.filter((f) => !known.has(f)),
      'table rows naming a field the schema lacks',
    ).toEqual([]);
    // Rows were read at all: a reader that finds no row would pass vacuously.
    expect(fields.length).toBeGreaterThan(100);
  });
});

describe('the field walker', () => {
  const Leaf = z.strictObject({ depth: z.number(), note: z.string().optional() });
  const Planted = z.strictObject({
    plain: z.string(),
    optional: z.strictObject({ inner: z.boolean() }).optional(),
    defaulted: z.strictObject({ level: z.number().default(1) }).default({ level: 1 }),
    byName: z.record(z.string(), z.strictObject({ leaf: Leaf, tags: z.array(z.string()) })),
    list: z.array(z.strictObject({ item: z.string(), nested: z.array(Leaf) })),
    either: z.union([
      z.strictObject({ kind: z.literal('a'), onlyA: z.number() }),
      z.strictObject({ kind: z.literal('b'), onlyB: z.strictObject({ deep: z.string() }) }),
    ]),
    parsed: z
      .string()
      .transform((s) => s.length)
      .optional(),
    again: Leaf,
  });
  const expected = [
    'again',
    'again.depth',
    'again.note',
    'byName',
    'byName.<name>.leaf',
    'byName.<name>.leaf.depth',
    'byName.<name>.leaf.note',
    'byName.<name>.tags',
    'defaulted',
    'defaulted.level',
    'either',
    'either.kind',
    'either.onlyA',
    'either.onlyB',
    'either.onlyB.deep',
    'list',
    'list[].item',
    'list[].nested',
    'list[].nested[].depth',
    'list[].nested[].note',
    'optional',
    'optional.inner',
    'parsed',
    'plain',
  ];

  it('finds nested record, array, optional, default and union fields', () => {
    expect(schemaPaths(Planted)).toEqual(expected);
  });

  it('follows $refs to reused schemas and stops on recursion', () => {
    // `Leaf` appears three times: with reused 'ref' it becomes one $defs entry, reached by $ref.
    const json = JSON.stringify(z.toJSONSchema(Planted, { io: 'input', reused: 'ref' }));
    expect(json).toContain('"$ref":"#/$defs/');
    expect(schemaPaths(Planted, { reused: 'ref' })).toEqual(expected);
    const Tree: z.ZodType = z.lazy(() => z.strictObject({ label: z.string(), children: z.array(Tree) }));
    // The cycle is a $ref back to Tree: its fields once, then the walk stops.
    expect(schemaPaths(z.strictObject({ tree: Tree }))).toEqual(['tree', 'tree.children', 'tree.label']);
  });

  it('names each field a text leaves out', () => {
    const doc = '| `plain` | … |\n| `list[].item` | … |\n## `byName.<name>.leaf.depth`';
    const missing = undocumented(doc, schemaPaths(Planted));
    expect(missing).toContain('either.onlyB.deep');
    expect(missing).toContain('defaulted.level');
    expect(missing).not.toContain('plain');
    expect(missing).not.toContain('byName.<name>.leaf.depth');
    expect(missing).toHaveLength(expected.length - 3);
  });

  it('reads the fields a table documents from its first cell', () => {
    const doc = [
      '| field | type |',
      '| --- | --- |',
      '| `a.b` · `c[].d` | `string` |',
      'text `not.a.row`',
    ].join('\n');
    expect(documentedFields(doc)).toEqual(['a.b', 'c[].d']);
  });
});
