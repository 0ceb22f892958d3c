import type { SecretLintRuleCreator, SecretLintRuleLocalizeMessages } from '@secretlint/types';

/** One secret a rule found: which message to show, its props, and the secret's offsets (end exclusive). */
export interface RuleHit<M extends SecretLintRuleLocalizeMessages> {
  messageId: keyof M & string;
  props?: Record<string, string>;
  range: readonly [start: number, end: number];
}

/** Finds the secrets in one file's text; `file` is its path (may be empty). */
export type RuleFinder<M extends SecretLintRuleLocalizeMessages> = (
  content: string,
  file: string,
) => Iterable<RuleHit<M>>;

/**
 * A text-scanning secretlint rule from an id, its messages and a find function: the one shell
 * every rollgate rule shares. The range covers the secret only, so excerpts stop before it, and
 * the report carries no `data` (secretlint's maskSecrets would star every occurrence of a data
 * value, and the value must never reach a message).
 */
export function secretlintRule<M extends SecretLintRuleLocalizeMessages>(
  id: string,
  messages: M,
  find: RuleFinder<M>,
): SecretLintRuleCreator {
  return {
    messages,
    meta: { id, type: 'scanner', recommended: true, supportedContentTypes: ['text'] },
    create(context) {
      const t = context.createTranslator(messages);
      return {
        file(source) {
          for (const hit of find(source.content, source.filePath ?? '')) {
            const { message, messageId } = t(hit.messageId, hit.props);
            context.report({ message: { message, messageId, data: undefined }, range: hit.range });
          }
        },
      };
    },
  };
}
