import type { SecretLintRuleCreator } from '@secretlint/types';
import { isPlaceholder } from './secret-placeholders.ts';
import { secretlintRule } from './secretlint-rule.ts';

export const URL_CREDENTIALS_RULE_ID = 'rollgate/url-credentials';
export const QUERY_CREDENTIALS_RULE_ID = 'rollgate/query-credentials';

/**
 * `scheme://user:password@host` or `scheme://:password@host`, for ANY scheme: drivers invent new
 * ones (`mariadb://`, `postgresql+asyncpg://`, `clickhouse://`) faster than a list can follow, and
 * `https://user:pw@host` is a credential too. The password is greedy up to the last `@` before the
 * host (drivers read an unencoded `@` in it that way), and stops at a slash, whitespace or quote,
 * which cannot be part of it unencoded; so a second URL on the same line starts a new match.
 */
const URL_WITH_PASSWORD = /(?<![\w+.-])([a-z][a-z0-9+.-]*):\/\/([^\s:@/"'`]*):([^\s/"'`]+)@/gi;

/**
 * Credentials passed as parameters: `?password=…`, `&pwd=…` in a query string, `;Password=…` in
 * an ADO.NET or JDBC connection string, `sig=` of an Azure SAS URL. Compared lower-case with
 * `-`, `_` and `.` removed.
 */
export const CREDENTIAL_PARAMETERS = new Set([
  'password',
  'passwd',
  'pwd',
  'pass',
  'sslpassword',
  'secret',
  'clientsecret',
  'token',
  'accesstoken',
  'authtoken',
  'refreshtoken',
  'apikey',
  'key',
  'privatekey',
  'accountkey',
  'sharedaccesskey',
  'sig',
  'signature',
  'xamzsignature',
]);
const PARAMETER = /([?&]|;[ \t]*)([A-Za-z][\w.-]*)=([^&;#\s"'`<>]*)/g;

export interface UrlCredential {
  /** `postgres` for a URL; the parameter's name for a query or connection-string parameter. */
  scheme: string;
  /** Offsets of the password inside the text, end exclusive. */
  start: number;
  end: number;
}

/** Every password inside a credentialed URL of `text`, placeholders such as `${VAR}` excluded. */
export function findUrlCredentials(text: string, file = ''): UrlCredential[] {
  const found: UrlCredential[] = [];
  for (const m of text.matchAll(URL_WITH_PASSWORD)) {
    const [, scheme = '', user = '', password = ''] = m;
    if (isPlaceholder(password, file)) continue;
    const start = m.index + scheme.length + 3 + user.length + 1;
    found.push({ scheme: scheme.toLowerCase(), start, end: start + password.length });
  }
  return found;
}

/**
 * Whether `text` holds credentialed URLs whose passwords are all placeholders
 * (`postgres://app:changeme@db`): other rules' findings on such text are not findings.
 */
export function onlyPlaceholderPasswords(text: string, file = ''): boolean {
  const passwords = [...text.matchAll(URL_WITH_PASSWORD)].map((m) => m[3] ?? '');
  return passwords.length > 0 && passwords.every((p) => isPlaceholder(p, file));
}

/** Every credential passed as a query or connection-string parameter, placeholders excluded. */
export function findParameterCredentials(text: string, file = ''): UrlCredential[] {
  const found: UrlCredential[] = [];
  for (const m of text.matchAll(PARAMETER)) {
    const [, lead = '', name = '', value = ''] = m;
    if (!CREDENTIAL_PARAMETERS.has(name.toLowerCase().replace(/[-_.]/g, ''))) continue;
    // Percent-decoded, so `%24%7BVAR%7D` is the placeholder it encodes.
    if (isPlaceholder(decode(value), file)) continue;
    const start = m.index + lead.length + name.length + 1;
    found.push({ scheme: name, start, end: start + value.length });
  }
  return found;
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

const messages = {
  URL_CREDENTIALS: {
    en: (props?: { scheme: string }) =>
      `found a password inside a ${props?.scheme ?? ''}:// URL; take it from a secret store or an environment variable`,
  },
  QUERY_CREDENTIALS: {
    en: (props?: { scheme: string }) =>
      `found a credential in the ${props?.scheme ?? ''}= parameter of a URL or connection string; take it from a secret store or an environment variable`,
  },
};

function ruleOf(
  id: string,
  messageId: keyof typeof messages,
  find: (text: string, file: string) => UrlCredential[],
): SecretLintRuleCreator {
  return secretlintRule(id, messages, (content, file) =>
    find(content, file).map((c) => ({
      messageId,
      props: { scheme: c.scheme },
      range: [c.start, c.end] as const,
    })),
  );
}

/**
 * A secretlint rule: reports the password of each credentialed URL, its range covering the
 * password only, so excerpts can still show scheme, user and host.
 */
export const urlCredentialsRule = ruleOf(URL_CREDENTIALS_RULE_ID, 'URL_CREDENTIALS', findUrlCredentials);

/** A secretlint rule: reports credentials passed as URL query or connection-string parameters. */
export const queryCredentialsRule = ruleOf(
  QUERY_CREDENTIALS_RULE_ID,
  'QUERY_CREDENTIALS',
  findParameterCredentials,
);
