import type { SecretLintRuleCreator } from '@secretlint/types';
import { findEnvFallbacks, isPlaceholder } from './secret-placeholders.ts';
import { secretlintRule } from './secretlint-rule.ts';

export const KEY_VALUE_RULE_ID = 'rollgate/key-value-credentials';

/**
 * Key names that hold a credential, compared lower-case with `$`, `-`, `_`, `.` removed:
 * `DB_PASSWORD`, `$wgDBpassword`, `apiKey`, `spring.datasource.password`, `SECRET_KEY_BASE`.
 */
const SECRET_NAME =
  /password|passwd|passphrase|pwd|secret|token|apikey|privatekey|accesskey|authkey|credential|dbpass/;

/**
 * Names that mention a secret without holding one: where it lives (`PASSWORD_FILE`, `TOKEN_URL`,
 * `SECRET_NAME`, `AWS_ACCESS_KEY_ID`), or a setting about it (`password_min_length`, `token_ttl`).
 */
const ABOUT_A_SECRET =
  /(?:file|path|dir|url|uri|endpoint|host|name|id|ids|arn|ref|env|var|length|len|min|max|ttl|expiry|expires|expiresin|expiration|lifetime|timeout|type|header|field|param|policy|prompt|hint|label|enabled|enable|required|reset|count|limit|mode|format|algorithm|algo|cmd|command|location|source|store|provider|strength|regex|pattern|rotation|version|hash|encoding|prefix|tokens|size|bits|kind|scope|scopes|audience|issuer)$/;

/** Whether a key names a credential. Exported for tests and for the runbook's own docs. */
export function isCredentialKey(key: string): boolean {
  const norm = key.toLowerCase().replace(/[-_.$\s]/g, '');
  // The shell's working directory, not a password.
  if (norm === 'pwd' || norm === 'oldpwd') return false;
  const named = SECRET_NAME.test(norm) || /(?:^|[-_.$])pass$/i.test(key) || /[a-z]Pass$/.test(key);
  return named && !ABOUT_A_SECRET.test(norm) && !/tokeni[sz]/.test(norm);
}

/**
 * `key <op> value` on one line: the key bare (`DB_PASSWORD`, `$wgDBpassword`, `--db-password`,
 * `spring.datasource.password`) or quoted (`"password"`, `'password'`), the operator `=`, `:`,
 * `=>` or `:=`, the value quoted or bare. A bare key never starts inside a word or a dashed name.
 */
const ASSIGNMENT = new RegExp(
  [
    String.raw`(?:"(?<dq>[^"\\\n]{1,100})"|'(?<sq>[^'\\\n]{1,100})'|(?<![\w$.]|[\w.]-)(?<bare>\$?[A-Za-z_][\w.-]*))`,
    String.raw`[ \t]*(?:=>|:=|=(?![=~])|:(?![:/]))[ \t]*`,
    String.raw`(?:"(?<vdq>(?:[^"\\\n]|\\.)*)"|'(?<vsq>(?:[^'\\\n]|\\.)*)'|\x60(?<vbt>[^\x60\n]*)\x60|(?<raw>[^\s"'\x60,;]*))`,
  ].join(''),
  'g',
);

/** PHP's `define('DB_PASSWORD', 'value')` (WordPress's wp-config.php). */
const PHP_DEFINE =
  /\bdefine\(\s*(["'])(?<key>[^"'\n]{1,100})\1\s*,\s*(["'])(?<value>(?:(?!\3)[^\\\n]|\\.)*)\3/g;

/** XML elements: `<password>value</password>`. */
const XML_ELEMENT = /<(?<key>[A-Za-z_][\w.-]*)>(?<value>[^<\n]+)<\/\k<key>>/g;

/** A Kubernetes-style `- name: DB_PASSWORD` line; the value follows on the next line. */
const NAME_LINE = /^\s*-?\s*name:\s*["']?(?<key>[A-Za-z_][\w.-]*)["']?\s*$/;
const VALUE_LINE = /^(?<lead>\s*value:\s*)(?:"(?<vdq>(?:[^"\\]|\\.)*)"|'(?<vsq>[^']*)'|(?<raw>[^\s#]+))/;

/** Files whose bare values are code (identifiers, calls), never literals. */
const CODE_FILE = /\.(?:[cm]?[jt]sx?|php|py|rb|go|java|kt|kts|cs|rs|swift|scala|groovy|exs?)$/i;

/** A bare value that opens a template, a nested map or list, a YAML block, alias or tag: not judged here. */
const NOT_A_LITERAL = /^(?:[{[]|\{\{|\{%|<%|\$\{|\$\(|%\(|%\{|#\{|[|>](?:[-+]?\d?)?$|[*&!]\S)/;

export interface KeyValueCredential {
  key: string;
  /** Offsets of the value inside the text, end exclusive. */
  start: number;
  end: number;
  /** The value is the literal fallback after an environment lookup (`process.env.X || '…'`). */
  fallback?: true;
}

/**
 * Every literal credential assigned to a credential-named key in `text` (see {@link isCredentialKey}),
 * and every literal fallback after a lookup of a credential-named variable or for a
 * credential-named key (`password: process.env.DB_PASSWORD || '…'`, `os.getenv('X', '…')`).
 */
export function findKeyValueCredentials(text: string, file = ''): KeyValueCredential[] {
  const found: KeyValueCredential[] = [];
  const code = CODE_FILE.test(file);
  const add = (key: string, value: string, start: number) => {
    // A value holding a lookup with a fallback is reported below, the fallback literal only.
    if (!isCredentialKey(key) || isPlaceholder(value, file) || findEnvFallbacks(value, file).length) return;
    found.push({ key, start, end: start + value.length });
  };
  let offset = 0;
  let pendingName: string | undefined;
  for (const line of text.split('\n')) {
    /** Where each assignment's value starts on this line, so a fallback is credited to its key. */
    const assigned: { key: string; start: number }[] = [];
    for (const m of line.matchAll(ASSIGNMENT)) {
      const g = m.groups ?? {};
      const key = g.dq ?? g.sq ?? g.bare ?? '';
      // `?password=` and `;Password=` belong to the query-credentials rule.
      if (g.bare && /[?&;]\s*$/.test(line.slice(0, m.index))) continue;
      const quoted = g.vdq ?? g.vsq ?? g.vbt;
      const value = quoted ?? (g.raw ?? '').replace(/[)\]}]+$/, '');
      const start = m.index + m[0].length - (quoted === undefined ? (g.raw ?? '').length : quoted.length + 1);
      assigned.push({ key, start });
      if (quoted === undefined) {
        const rest = line.slice(start);
        if (code || NOT_A_LITERAL.test(rest)) continue;
      }
      add(key, value, offset + start);
    }
    for (const m of line.matchAll(PHP_DEFINE)) {
      const { key = '', value = '' } = m.groups ?? {};
      add(key, value, offset + m.index + m[0].length - 1 - value.length);
    }
    for (const m of line.matchAll(XML_ELEMENT)) {
      const { key = '', value = '' } = m.groups ?? {};
      add(key, value, offset + m.index + key.length + 2);
    }
    const v = pendingName ? VALUE_LINE.exec(line) : null;
    if (pendingName && v?.groups) {
      const value = v.groups.vdq ?? v.groups.vsq ?? v.groups.raw ?? '';
      const quoted = v.groups.vdq !== undefined || v.groups.vsq !== undefined;
      add(pendingName, value, offset + v.groups.lead!.length + (quoted ? 1 : 0));
    }
    for (const f of findEnvFallbacks(line, file)) {
      const key = assigned.findLast((a) => a.start <= f.start)?.key;
      const named = key !== undefined && isCredentialKey(key) ? key : f.variable;
      if (!isCredentialKey(named) || found.some((c) => c.start === offset + f.start)) continue;
      found.push({ key: named, start: offset + f.start, end: offset + f.end, fallback: true });
    }
    if (line.trim()) pendingName = NAME_LINE.exec(line)?.groups?.key;
    offset += line.length + 1;
  }
  return found.sort((a, b) => a.start - b.start);
}

const messages = {
  KEY_VALUE_CREDENTIALS: {
    en: (props?: { key: string }) =>
      `found a literal value for ${props?.key ?? 'a credential'}; take it from a secret store or an environment variable`,
  },
  FALLBACK_CREDENTIALS: {
    en: (props?: { key: string }) =>
      `found a literal fallback for ${props?.key ?? 'a credential'} after an environment lookup; drop the fallback so a missing variable fails instead of using a committed credential`,
  },
};

/**
 * A secretlint rule: `KEY=value` credentials in .env, TOML, YAML, INI, properties, JSON, PHP and
 * JS config, and literal fallbacks after environment lookups. The range covers the value only, so
 * the excerpt shows the key (and the lookup) and stops there; the key name is safe to show.
 */
export const keyValueCredentialsRule: SecretLintRuleCreator = secretlintRule(
  KEY_VALUE_RULE_ID,
  messages,
  (content, file) =>
    findKeyValueCredentials(content, file).map((c) => ({
      messageId: c.fallback ? 'FALLBACK_CREDENTIALS' : 'KEY_VALUE_CREDENTIALS',
      props: { key: c.key },
      range: [c.start, c.end] as const,
    })),
);
