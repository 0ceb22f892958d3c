import { lintSource } from '@secretlint/core';
import { creator as recommended } from '@secretlint/secretlint-rule-preset-recommend';
import type { SecretLintCoreResultMessage } from '@secretlint/types';
import { findKeyValueCredentials, isCredentialKey } from '../../checks/secrets/key-value-rule.ts';
import { isPlaceholder } from '../../checks/secrets/secret-placeholders.ts';
import {
  findParameterCredentials,
  findUrlCredentials,
  onlyPlaceholderPasswords,
} from '../../checks/secrets/url-credentials-rule.ts';

/** What a masked credential reads as in everything `rollgate import` writes. */
export const MASK = '***';

type Span = [start: number, end: number];

/**
 * What the secret scan (`rollgate/checks` secretScan) finds, as spans of `text`: secretlint's
 * recommended rules (AWS secret access keys, GitHub, npm, Slack, SendGrid, Shopify, OpenAI,
 * Anthropic, Linear and 1Password tokens, private keys, GCP service-account keys, credentialed
 * URLs and connection strings) and rollgate's own rules (a credentialed URL's password, credential
 * parameters, credential-named assignments). A secretlint hit spans its secret (the value the rule
 * reports, found on its line; some rules' ranges start at the key instead); a hit that holds one of
 * ours (a whole URL around its password) gives way to ours, the narrower, as in the scan.
 */
async function secretScanSpans(text: string, file: string): Promise<Span[]> {
  const ours: Span[] = [
    ...findUrlCredentials(text, file).map((c) => [c.start, c.end] as Span),
    ...findParameterCredentials(text, file).map((c) => [c.start, c.end] as Span),
    ...findKeyValueCredentials(text, file).map((c) => [c.start, c.end] as Span),
  ];
  const result = await lintSource({
    source: { content: text, filePath: file, contentType: 'text' },
    options: {
      maskSecrets: false,
      config: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommended }] },
    },
  });
  const theirs: Span[] = [];
  for (const m of result.messages as SecretLintCoreResultMessage[]) {
    if (m.type !== 'message') continue;
    // As in the scan: secretlint's URL rules do not know placeholders (`postgres://app:${PW}@db`).
    if (onlyPlaceholderPasswords(text.slice(m.range[0], m.range[1]))) continue;
    const span = secretOf(text, m);
    if (!ours.some(([a, b]) => span[0] <= a && b <= span[1] && b - a < span[1] - span[0])) theirs.push(span);
  }
  return [...ours, ...theirs];
}

/**
 * The span of the secret a secretlint message reports: the value in its `data` found on its line
 * overlapping its range (the AWS rule's range starts at the key, not at the value), else found on
 * its line after the range's start, else the range.
 */
function secretOf(text: string, m: SecretLintCoreResultMessage): Span {
  const [from, to] = m.range;
  const lineStart = text.lastIndexOf('\n', from - 1) + 1;
  const newline = text.indexOf('\n', Math.max(to - 1, from));
  const lineEnd = newline < 0 ? text.length : newline;
  const found = Object.values(m.data ?? {})
    .filter((v): v is string => typeof v === 'string' && v.length >= 8)
    .map((v) => ({ at: text.indexOf(v, lineStart), v }))
    .filter(({ at, v }) => at >= 0 && at + v.length <= lineEnd);
  const overlapping = found.find(({ at, v }) => at < to && at + v.length > from);
  const after = found.filter(({ at }) => at >= from).sort((x, y) => x.at - y.at)[0];
  const hit = overlapping ?? after;
  return hit ? [hit.at, hit.at + hit.v.length] : [from, to];
}

/**
 * Shapes of shell commands and HTTP headers a plan's snippets carry that the secret scan (made for
 * config files) does not look for; import's own, each value left alone when it is a placeholder:
 * - `Bearer <token>` and `Basic <base64>` (an Authorization header's, or one that decodes to
 *   `user:password`);
 * - `curl -u user:password` (`--user`, `-U`, `--proxy-user`): the password;
 * - `mysql … -ppassword` (mysqldump, mysqladmin, mariadb…): the password;
 * - a credential-named key then a space and a secret-shaped value (letters and digits, 8 or more):
 *   `aws configure set aws_secret_access_key …`, `--password …`.
 */
function commandSpans(text: string, file: string): Span[] {
  const spans: Span[] = [];
  const add = (value: string, start: number) => {
    if (!isPlaceholder(value, file)) spans.push([start, start + value.length]);
  };
  const at = (m: RegExpMatchArray, group: number) => m.index! + m[0].length - m[group]!.length;
  for (const m of text.matchAll(/\bBearer[ \t]+([A-Za-z0-9._~+/-]{8,}=*)/g))
    if (!/^[a-z]+$/.test(m[1]!)) add(m[1]!, at(m, 1));
  for (const m of text.matchAll(/\bBasic[ \t]+([A-Za-z0-9+/]{6,}={0,2})(?![\w+/=])/g)) {
    const header = /authori[sz]ation["']?\s*[:=]\s*["']?$/i.test(
      text.slice(Math.max(0, m.index! - 40), m.index),
    );
    const decoded = Buffer.from(m[1]!, 'base64').toString('latin1');
    if (header || /^[\x20-\x7e]+:[\x20-\x7e]+$/.test(decoded)) add(m[1]!, at(m, 1));
  }
  let offset = 0;
  for (const line of text.split('\n')) {
    if (/\bcurl\b/.test(line))
      for (const m of line.matchAll(
        /(?<![\w-])(?:-u|--user|-U|--proxy-user)(?:[ \t]+|=)?(["']?)[^\s:"']*:([^\s"']+)\1/g,
      ))
        add(m[2]!, offset + m.index! + m[0].length - m[1]!.length - m[2]!.length);
    if (
      /\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlcheck|mariadb|mariadb-dump|mariadb-admin)\b/.test(
        line,
      )
    )
      for (const m of line.matchAll(/(?<=\s)-p(["']?)([^\s"']+)\1/g))
        add(m[2]!, offset + m.index! + 2 + m[1]!.length);
    // The key only is matched (the value in a lookahead), so `set aws_secret_access_key …` is read
    // key by key: `set`, then `aws_secret_access_key` and its value.
    for (const m of line.matchAll(
      /(?<![\w$.-])-{0,2}([A-Za-z_][\w.-]*)(?=([ \t]+)(["']?)([A-Za-z0-9/+=_.~-]{8,})\3(?![\w/+=]))/g,
    )) {
      const value = m[4]!;
      if (isCredentialKey(m[1]!) && /[A-Za-z]/.test(value) && /\d/.test(value))
        add(value, offset + m.index! + m[0].length + m[2]!.length + m[3]!.length);
    }
    offset += line.length + 1;
  }
  return spans;
}

/**
 * Credentials in a plan's text, masked before anything reads it: what the secret scan finds
 * ({@link secretScanSpans}) and the command and header shapes it does not look for
 * ({@link commandSpans}). Placeholders such as `${DB_PASSWORD}` or `<token>` are no credentials
 * and stay.
 * @example (await maskCredentials('postgres://app:s3cret-9@db/app', 'plan.md')).text // 'postgres://app:***@db/app'
 */
export async function maskCredentials(
  text: string,
  file: string,
): Promise<{ text: string; values: string[] }> {
  const spans = [...(await secretScanSpans(text, file)), ...commandSpans(text, file)];
  spans.sort((a, b) => a[0] - b[0]);
  const merged: Span[] = [];
  for (const s of spans.filter(([a, b]) => b > a)) {
    const last = merged.at(-1);
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push([...s]);
  }
  let out = '';
  let at = 0;
  const values: string[] = [];
  for (const [from, to] of merged) {
    values.push(text.slice(from, to));
    out += `${text.slice(at, from)}${MASK}`;
    at = to;
  }
  return { text: out + text.slice(at), values: [...new Set(values)] };
}
