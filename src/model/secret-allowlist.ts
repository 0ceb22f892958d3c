import { z } from 'zod';

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
