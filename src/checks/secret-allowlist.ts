import { createHash } from 'node:crypto';
import { z } from 'zod';
import { globToRegExp } from './glob.ts';

/**
 * One accepted finding. It names what it accepts (rule, file, a pattern over the finding's line,
 * or the SHA-256 of the value, so the value itself never has to be written down) and why.
 * @example { rule: 'rollgate/url-credentials', file: 'docker-compose.dev.yml', reason: 'local throwaway database' }
 */
export const SecretAllowlistEntry = z
  .strictObject({
    /** Rule id, or its short name after `secretlint-rule-` (`aws`, `privatekey`). */
    rule: z.string().min(1).optional(),
    /** Glob of the file, relative to the project root. */
    file: z.string().min(1).optional(),
    /** Regular expression tested against the finding's whole line. */
    pattern: z
      .string()
      .min(1)
      .refine(
        (p) => {
          try {
            new RegExp(p);
            return true;
          } catch {
            return false;
          }
        },
        { message: 'is not a valid regular expression' },
      )
      .optional(),
    /** Hex SHA-256 of the flagged value (`printf %s "$VALUE" | sha256sum`). */
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/i, 'must be 64 hex digits (sha256 of the value)')
      .optional(),
    /** Why this is not a leak: who accepted it and on what grounds. Required. */
    reason: z.string({ error: 'needs a reason: say why this finding is not a leak' }).trim().min(1, {
      message: 'needs a reason: say why this finding is not a leak',
    }),
  })
  .refine((e) => e.rule || e.file || e.pattern || e.sha256, {
    message: 'must name a rule, file, pattern or sha256: an entry matching everything would hide every leak',
  });
export type SecretAllowlistEntry = z.infer<typeof SecretAllowlistEntry>;

export const SecretAllowlist = z.array(SecretAllowlistEntry);

/** An allowlist that does not validate: a configuration error, never an empty allowlist. */
export class SecretAllowlistError extends Error {
  override name = 'SecretAllowlistError';
  readonly code = 'ROLLGATE_ALLOWLIST_INVALID';
}

/** Validates an allowlist, reporting every problem at once (entry index and field). */
export function parseAllowlist(input: unknown): SecretAllowlistEntry[] {
  const parsed = SecretAllowlist.safeParse(input ?? []);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => {
    const [index, ...field] = i.path.map(String);
    const where =
      index === undefined ? '(root)' : `entry ${index}${field.length ? `.${field.join('.')}` : ''}`;
    return `secret allowlist ${where}: ${i.message}`;
  });
  throw new SecretAllowlistError(lines.join('\n'));
}

export interface AllowlistSubject {
  rule: string;
  /** Path as findings show it (relative to the root when inside it). */
  file: string;
  line: string;
  value: string;
}

function ruleMatches(wanted: string, rule: string): boolean {
  return rule === wanted || rule.endsWith(`/secretlint-rule-${wanted}`);
}

/** The first entry accepting this finding, or undefined. Every named field must match. */
export function allowedBy(
  entries: readonly SecretAllowlistEntry[],
  s: AllowlistSubject,
): SecretAllowlistEntry | undefined {
  return entries.find(
    (e) =>
      (!e.rule || ruleMatches(e.rule, s.rule)) &&
      (!e.file || globToRegExp(e.file).test(s.file)) &&
      (!e.pattern || new RegExp(e.pattern).test(s.line)) &&
      (!e.sha256 || createHash('sha256').update(s.value).digest('hex') === e.sha256.toLowerCase()),
  );
}
