import { createHash } from 'node:crypto';
import { globToRegExp } from '../../config/glob.ts';
import { SecretAllowlist, type SecretAllowlistEntry } from '../../model/secret-allowlist.ts';
import { ObservationError } from '../authoring/errors.ts';

export { SecretAllowlist, SecretAllowlistEntry } from '../../model/secret-allowlist.ts';

/** An allowlist that does not validate: a configuration error, never an empty allowlist. */
export class SecretAllowlistError extends ObservationError {
  override name = 'SecretAllowlistError';
  constructor(message: string) {
    super(message, 'ROLLGATE_ALLOWLIST_INVALID');
  }
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
