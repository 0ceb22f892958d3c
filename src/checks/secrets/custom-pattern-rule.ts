import type { SecretLintRuleCreator } from '@secretlint/types';
import { type SecretPattern, SecretPatterns } from '../../model/secret-patterns.ts';
import { ObservationError } from '../authoring/errors.ts';
import { isPlaceholder } from './secret-placeholders.ts';
import { secretlintRule } from './secretlint-rule.ts';

export { SecretPattern, SecretPatterns } from '../../model/secret-patterns.ts';

export const CUSTOM_RULE_PREFIX = 'custom/';

/** Patterns that do not validate: a configuration error naming entry and field, never "no patterns". */
export class SecretPatternError extends ObservationError {
  override name = 'SecretPatternError';
  constructor(message: string) {
    super(message, 'ROLLGATE_SECRET_PATTERN_INVALID');
  }
}

/** Validates a runbook's `secretPatterns`, reporting every problem at once. */
export function parseSecretPatterns(input: unknown): SecretPattern[] {
  const parsed = SecretPatterns.safeParse(input ?? []);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => {
    const [index, ...field] = i.path.map(String);
    const where = index === undefined ? '' : ` ${index}${field.length ? `.${field.join('.')}` : ''}`;
    return `target secretPatterns${where}: ${i.message}`;
  });
  throw new SecretPatternError(lines.join('\n'));
}

/** Offsets of the secret in one match: group `secret`, else group 1, else the whole match. */
function secretSpan(m: RegExpExecArray): [number, number] | undefined {
  const indices = m.indices;
  const span = indices?.groups?.secret ?? indices?.[1] ?? indices?.[0];
  return span ? [span[0], span[1]] : undefined;
}

/** A secretlint rule for one runbook pattern; findings read `custom/<id>`. */
export function customPatternRule(p: SecretPattern): { id: string; rule: SecretLintRuleCreator } {
  const id = `${CUSTOM_RULE_PREFIX}${p.id}`;
  const text = p.message ?? `matched the runbook's secret pattern "${p.id}"`;
  const rule = secretlintRule(id, { CUSTOM: { en: () => text } }, function* (content, file) {
    for (const m of content.matchAll(new RegExp(p.pattern, 'gd'))) {
      const span = secretSpan(m);
      if (!span || span[1] <= span[0]) continue;
      if (isPlaceholder(content.slice(span[0], span[1]), file)) continue;
      yield { messageId: 'CUSTOM', range: span };
    }
  });
  return { id, rule };
}
