import type { z } from 'zod';
import { closest } from '../../config/closest.ts';

export interface Issue {
  path: readonly PropertyKey[];
  message: string;
}

/** The parts of a zod schema's definition this file walks (zod 4's `_zod.def`). */
interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
}
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Past wrappers (optional, default, transform…) to the schema that parses the value. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let d = defOf(s); ; d = defOf(s)) {
    if (d.type === 'pipe' && d.in) s = d.in;
    else if (d.innerType) s = d.innerType;
    else return s;
  }
}

/** The keys the object schema at `path` (under `schema`) knows, or undefined where there is none. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let s = unwrap(schema);
  for (const segment of path) {
    const d = defOf(s);
    if (d.type === 'object' && d.shape && typeof segment === 'string' && d.shape[segment])
      s = unwrap(d.shape[segment]);
    else if (d.type === 'array' && d.element && typeof segment === 'number') s = unwrap(d.element);
    else return undefined;
  }
  const shape = defOf(s).shape;
  return defOf(s).type === 'object' && shape ? Object.keys(shape) : undefined;
}

/**
 * Zod's issues, with each unrecognized key made an issue of its own, at its own field, naming the
 * known key it most likely meant: `conections: unknown field; did you mean \`connections\`?`.
 * Without a near key, the issue lists the fields that place accepts. Other issues pass unchanged.
 */
export function explainUnknownKeys(schema: z.ZodType, issues: readonly z.core.$ZodIssue[]): Issue[] {
  return issues.flatMap((issue): Issue[] => {
    if (issue.code !== 'unrecognized_keys') return [issue];
    const known = keysAt(schema, issue.path) ?? [];
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
