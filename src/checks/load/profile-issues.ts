import type { z } from 'zod';
import { closest } from '../../config/closest.ts';
import { knownKeys } from '../../config/known-keys.ts';

export interface Issue {
  path: readonly PropertyKey[];
  message: string;
}

/**
 * Zod's issues, with each unrecognized key made an issue of its own, at its own field, naming the
 * known key it most likely meant: `conections: unknown field; did you mean \`connections\`?`.
 * Without a near key, the issue lists the fields that place accepts. Other issues pass unchanged.
 */
export function explainUnknownKeys(schema: z.ZodType, issues: readonly z.core.$ZodIssue[]): Issue[] {
  return issues.flatMap((issue): Issue[] => {
    if (issue.code !== 'unrecognized_keys') return [issue];
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
