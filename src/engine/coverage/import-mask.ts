import { findKeyValueCredentials } from '../../checks/secrets/key-value-rule.ts';
import { isPlaceholder } from '../../checks/secrets/secret-placeholders.ts';
import { findParameterCredentials, findUrlCredentials } from '../../checks/secrets/url-credentials-rule.ts';

/** What a masked credential reads as in everything `rollgate import` writes. */
export const MASK = '***';

/** `Bearer <token>`: a token of at least 8 characters that is not a placeholder or a plain word. */
const BEARER = /\bBearer[ \t]+([A-Za-z0-9._~+/-]{8,}=*)/g;

/**
 * Credentials in a plan's text, masked before anything reads it: the password of
 * `scheme://user:password@host`, credential parameters (`?password=…`), credential-named
 * assignments (`SECRET_KEY=…`, `DB_PASSWORD: …`, `"token": "…"`) and `Bearer …` tokens. The
 * finders are the secret scan's (url-credentials-rule.ts, key-value-rule.ts); placeholders such
 * as `${DB_PASSWORD}` or `<token>` are no credentials and stay.
 * @example maskCredentials('postgres://app:s3cret-9@db/app', 'plan.md').text // 'postgres://app:***@db/app'
 */
export function maskCredentials(text: string, file: string): { text: string; values: string[] } {
  const spans: [number, number][] = [
    ...findUrlCredentials(text, file).map((c) => [c.start, c.end] as [number, number]),
    ...findParameterCredentials(text, file).map((c) => [c.start, c.end] as [number, number]),
    ...findKeyValueCredentials(text, file).map((c) => [c.start, c.end] as [number, number]),
  ];
  for (const m of text.matchAll(BEARER)) {
    const token = m[1]!;
    if (isPlaceholder(token, file) || /^[a-z]+$/.test(token)) continue;
    const start = m.index + m[0].length - token.length;
    spans.push([start, start + token.length]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
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
