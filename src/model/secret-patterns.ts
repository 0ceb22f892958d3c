import { z } from 'zod';

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, 'g');
    return true;
  } catch {
    return false;
  }
}

/**
 * A runbook's own secret pattern, scanned next to the built-in rules (findings read
 * `custom/<id>`). The finding covers the named group `secret`, else the first group, else the
 * whole match; placeholders (`${VAR}`, `changeme`…) in it are not findings.
 * @example { id: 'acme-license', pattern: 'ACME_LICENSE\\s*=\\s*(ACME-[0-9A-F]{24})', message: 'ACME licence keys belong in the vault' }
 */
export const SecretPattern = z.strictObject({
  /** Shown as the rule `custom/<id>`; allowlist entries may name it. @example 'acme-license' */
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes, such as acme-license'),
  /** A JavaScript regular expression, without slashes or flags. @example 'acme_live_[0-9a-z]{32}' */
  pattern: z
    .string()
    .min(1)
    .refine(compiles, { message: 'is not a valid regular expression' })
    .refine((p) => !compiles(p) || !new RegExp(p).test(''), {
      message: 'matches the empty string, so it would report every line; make it match the secret itself',
    }),
  /** What the finding says instead of the default; never include the value. @example 'ACME licence keys belong in the vault' */
  message: z.string().trim().min(1).optional(),
});
export type SecretPattern = z.infer<typeof SecretPattern>;

/** Ids must be unique: the finding's rule would not say which pattern matched. */
export const SecretPatterns = z.array(SecretPattern).superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((p, i) => {
    if (seen.has(p.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate id "${p.id}"` });
    seen.add(p.id);
  });
});
