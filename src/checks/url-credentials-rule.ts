import type { SecretLintRuleCreator } from '@secretlint/types';

export const URL_CREDENTIALS_RULE_ID = 'rollgate/url-credentials';

/**
 * Connection URLs of the datastores apps configure. Measured: secretlint's recommended preset
 * catches the PostgreSQL, MySQL and MongoDB forms but misses `redis://:password@host`, `rediss://`
 * and `amqps://`; gitleaks' default rules miss them all.
 */
export const CREDENTIAL_URL_SCHEMES = [
  'postgres',
  'postgresql',
  'mysql',
  'redis',
  'rediss',
  'mongodb',
  'mongodb+srv',
  'amqp',
  'amqps',
] as const;

/**
 * `scheme://user:password@host` or `scheme://:password@host`. The password is greedy up to the
 * last `@` before the host (drivers read an unencoded `@` in it that way), and stops at a slash,
 * whitespace or quote, which cannot be part of it unencoded.
 */
const URL_WITH_PASSWORD =
  /(?<![\w+.-])(postgres(?:ql)?|mysql|rediss?|mongodb(?:\+srv)?|amqps?):\/\/([^\s:@/"'`]*):([^\s/"'`]+)@/gi;

/**
 * Values that name a secret instead of holding one: `${DB_PASSWORD}`, `$DB_PASSWORD`,
 * `{{ .password }}`, `<password>`, or an already masked `***`. A weak literal such as `changeme`
 * is NOT one of them: shipped as is, it is a real (and guessable) credential.
 */
const REFERENCE = /^(?:(?:\$\{[^}]+\}|\$[A-Za-z_]\w*)+|\{\{[^}]*\}\}|<[^<>]+>|\*+)$/;

export function isSecretReference(value: string): boolean {
  return REFERENCE.test(value);
}

export interface UrlCredential {
  scheme: string;
  /** Offsets of the password inside the text, end exclusive. */
  start: number;
  end: number;
}

/** Every password inside a connection URL of `text`, references such as `${VAR}` excluded. */
export function findUrlCredentials(text: string): UrlCredential[] {
  const found: UrlCredential[] = [];
  for (const m of text.matchAll(URL_WITH_PASSWORD)) {
    const [, scheme = '', user = '', password = ''] = m;
    if (isSecretReference(password)) continue;
    const start = m.index + scheme.length + 3 + user.length + 1;
    found.push({ scheme: scheme.toLowerCase(), start, end: start + password.length });
  }
  return found;
}

const messages = {
  URL_CREDENTIALS: {
    en: (props?: { scheme: string }) =>
      `found a password inside a ${props?.scheme ?? ''}:// connection URL; take it from a secret store or an environment variable`,
  },
};

/**
 * A secretlint rule: reports the password of each credentialed connection URL, its range covering
 * the password only, so excerpts can still show scheme, user and host.
 */
export const urlCredentialsRule: SecretLintRuleCreator = {
  messages,
  meta: {
    id: URL_CREDENTIALS_RULE_ID,
    type: 'scanner',
    recommended: true,
    supportedContentTypes: ['text'],
  },
  create(context) {
    const t = context.createTranslator(messages);
    return {
      file(source) {
        for (const c of findUrlCredentials(source.content)) {
          // No `data`: secretlint's maskSecrets would star every occurrence of a data value.
          const { message, messageId } = t('URL_CREDENTIALS', { scheme: c.scheme });
          context.report({ message: { message, messageId, data: undefined }, range: [c.start, c.end] });
        }
      },
    };
  },
};
