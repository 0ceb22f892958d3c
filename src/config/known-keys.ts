import type { z } from 'zod';
import { closest } from './closest.ts';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  valueType?: z.ZodType;
  element?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  keyType?: z.ZodType;
  values?: readonly unknown[];
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

/** The schemas `schema` has at `path` (records and arrays step through their values). */
function schemasAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType[] {
  let at = [schema];
  for (const key of path) at = at.flatMap((s) => childAt(s, key));
  return at;
}

/** The field names `schema` accepts at `path` (records and arrays step through their values). */
export function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const at = schemasAt(schema, path);
  return [...new Set(at.flatMap((s) => objectsOf(s)).flatMap((d) => Object.keys(d.shape ?? {})))];
}

/**
 * The strings a (wrapped) schema takes as a whole: an enum's or a literal's values, through
 * optional, default, union and either side of a pipe (a key normalised then checked against an enum).
 */
function stringValuesOf(s: z.ZodType, depth = 0): string[] {
  if (depth > 8) return [];
  const d = def(s);
  const own = (s as unknown as { _zod: { values?: Set<unknown> } })._zod.values;
  if (own) return [...own].filter((v): v is string => typeof v === 'string');
  if (d.type === 'union') return (d.options ?? []).flatMap((o) => stringValuesOf(o, depth + 1));
  return [d.innerType, d.in, d.out, d.getter?.()].flatMap((i) => (i ? stringValuesOf(i, depth + 1) : []));
}

/** The keys a record at `path` owns, when its key schema lists them (`z.partialRecord(z.enum(…), …)`). */
function recordKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const records = (s: z.ZodType, depth = 0): Def[] => {
    if (depth > 8) return [];
    const d = def(s);
    if (d.type === 'record') return [d];
    if (d.type === 'union') return (d.options ?? []).flatMap((o) => records(o, depth + 1));
    const inner = d.innerType ?? d.in ?? d.getter?.();
    return inner ? records(inner, depth + 1) : [];
  };
  const keyTypes = schemasAt(schema, path).flatMap((s) => records(s).flatMap((d) => d.keyType ?? []));
  return [...new Set(keyTypes.flatMap((k) => stringValuesOf(k)))];
}

/** The value at `path` in `value`, or undefined. */
function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let at = value;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

export interface Issue {
  path: readonly PropertyKey[];
  message: string;
}

type RawIssue = Issue & {
  code?: string;
  keys?: readonly string[];
  values?: readonly unknown[];
  errors?: readonly (readonly RawIssue[])[];
};

const guess = (near: string) => `did you mean \`${near}\`?`;

/**
 * Schema issues, with each unrecognized key made an issue of its own, at its own field, naming the
 * known key it most likely meant: `conections: unknown field; did you mean \`connections\`?`.
 * Without a near key, the issue lists the fields that place accepts. A record's key outside the
 * names its key schema lists (`security.headerRules`) is explained the same way, and so is a value
 * outside an enum (`checks: ['secret_scan']`, read from `value` at the issue's path). A union whose
 * value has the shape of one member only (`{ allow }` without `reason`) reports that member's
 * issues. Other issues pass unchanged. One diagnosis for runbooks and load profiles alike.
 */
export function explainUnknownKeys(schema: z.ZodType, issues: readonly RawIssue[], value?: unknown): Issue[] {
  return issues.flatMap((issue): Issue[] => {
    if (issue.code === 'unrecognized_keys' && issue.keys) {
      const known = knownKeys(schema, issue.path);
      return issue.keys.map((key) => {
        const near = closest(key, known);
        const hint = near
          ? guess(near)
          : known.length
            ? `the fields here are ${known.join(', ')}`
            : 'remove it';
        return { path: [...issue.path, key], message: `unknown field; ${hint}` };
      });
    }
    if (issue.code === 'invalid_key' && issue.path.length) {
      const key = String(issue.path.at(-1));
      const known = recordKeysAt(schema, issue.path.slice(0, -1));
      if (!known.length) return [issue];
      const near = closest(key, known);
      return [
        {
          path: issue.path,
          message: `unknown key; ${near ? guess(near) : `the keys here are ${known.join(', ')}`}`,
        },
      ];
    }
    if (issue.code === 'invalid_value' && issue.values) {
      const given = valueAt(value, issue.path);
      const near =
        typeof given === 'string'
          ? closest(
              given,
              issue.values.filter((v): v is string => typeof v === 'string'),
            )
          : undefined;
      return [near ? { path: issue.path, message: `${issue.message}; ${guess(near)}` } : issue];
    }
    if (issue.code === 'invalid_union' && issue.errors) {
      // The members the value got into (every issue below the union's own place): when just one,
      // its issues say what to fix better than the union's summary.
      const into = issue.errors.filter((e) => e.length && e.every((i) => i.path.length > 0));
      if (into.length === 1)
        return explainUnknownKeys(
          schema,
          into[0]!.map((i) => ({ ...i, path: [...issue.path, ...i.path] })),
          value,
        );
      const given = valueAt(value, issue.path);
      const near =
        typeof given === 'string'
          ? closest(given, stringValuesOf(schemasAt(schema, issue.path)[0] ?? schema))
          : undefined;
      return [near ? { path: issue.path, message: `${issue.message}; did you mean '${near}'?` } : issue];
    }
    return [issue];
  });
}
