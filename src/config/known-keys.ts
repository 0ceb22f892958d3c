import type { z } from 'zod';
import { closest } from './closest.ts';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  valueType?: z.ZodType;
  element?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  getter?: () => z.ZodType;
}

const def = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The objects a (wrapped) schema can be at one place: optional, default, pipe and union unwrapped. */
function objectsOf(s: z.ZodType, depth = 0): Def[] {
  if (depth > 8) return [];
  const d = def(s);
  if (d.type === 'object') return [d];
  const inner = d.innerType ?? d.in ?? d.getter?.();
  if (inner) return objectsOf(inner, depth + 1);
  if (d.type === 'union') return (d.options ?? []).flatMap((o) => objectsOf(o, depth + 1));
  return [];
}

/** What a record or array holds (one path segment down), unwrapped like objectsOf. */
function childAt(s: z.ZodType, key: PropertyKey, depth = 0): z.ZodType[] {
  if (depth > 8) return [];
  const d = def(s);
  if (d.type === 'object') return d.shape && String(key) in d.shape ? [d.shape[String(key)]!] : [];
  if (d.type === 'record') return d.valueType ? [d.valueType] : [];
  if (d.type === 'array') return d.element ? [d.element] : [];
  if (d.type === 'union') return (d.options ?? []).flatMap((o) => childAt(o, key, depth + 1));
  const inner = d.innerType ?? d.in ?? d.getter?.();
  return inner ? childAt(inner, key, depth + 1) : [];
}

/** The field names `schema` accepts at `path` (records and arrays step through their values). */
export function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let at = [schema];
  for (const key of path) at = at.flatMap((s) => childAt(s, key));
  return [...new Set(at.flatMap((s) => objectsOf(s)).flatMap((d) => Object.keys(d.shape ?? {})))];
}

export interface Issue {
  path: readonly PropertyKey[];
  message: string;
}

/**
 * Schema issues, with each unrecognized key made an issue of its own, at its own field, naming the
 * known key it most likely meant: `conections: unknown field; did you mean \`connections\`?`.
 * Without a near key, the issue lists the fields that place accepts. Other issues pass unchanged.
 * One diagnosis for runbooks and load profiles alike.
 */
export function explainUnknownKeys(
  schema: z.ZodType,
  issues: readonly (Issue & { code?: string; keys?: readonly string[] })[],
): Issue[] {
  return issues.flatMap((issue): Issue[] => {
    if (issue.code !== 'unrecognized_keys' || !issue.keys) return [issue];
    const known = knownKeys(schema, issue.path);
    return issue.keys.map((key) => {
      const near = closest(key, known);
      const hint = near
        ? `did you mean \`${near}\`?`
        : known.length
          ? `the fields here are ${known.join(', ')}`
          : 'remove it';
      return { path: [...issue.path, key], message: `unknown field; ${hint}` };
    });
  });
}
