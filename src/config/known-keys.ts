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

/** ` (did you mean "navigationTimeout"?)` for each mistyped key that is near a known one; '' otherwise. */
export function didYouMean(schema: z.ZodType, path: readonly PropertyKey[], keys: readonly string[]): string {
  const known = knownKeys(schema, path);
  const hints = keys
    .map((k) => [k, closest(k, known)] as const)
    .filter((p): p is readonly [string, string] => p[1] !== undefined)
    .map(([k, near]) => (keys.length === 1 ? `did you mean "${near}"?` : `"${k}": did you mean "${near}"?`));
  return hints.length ? ` (${hints.join('; ')})` : '';
}
