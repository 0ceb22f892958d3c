/**
 * How browsers read security headers that arrive more than once. fetch (undici) joins repeated
 * header lines with ", " (a proxy and the app both adding `X-Content-Type-Options: nosniff` gives
 * `nosniff, nosniff`), so each header is judged here as the Fetch and HTML standards, RFC 6797 and
 * Chromium read the joined list, never by comparing the joined string with a single value.
 */

/**
 * Fetch's "get, decode, and split": the comma-separated values of a header, trimmed, commas inside
 * double-quoted strings kept. `undefined` when the header is absent.
 */
export function splitHeader(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quoted && c === '\\' && i + 1 < value.length) {
      current += c + value[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) {
      out.push(current.trim());
      current = '';
    } else current += c;
  }
  out.push(current.trim());
  return out;
}

/**
 * X-Content-Type-Options, per Fetch's "determine nosniff" (Chromium reads it the same way): only
 * the FIRST value counts, so `nosniff, nosniff` protects and `bogus, nosniff` does not.
 */
export function nosniff(values: readonly string[] | undefined): { on: boolean; reason?: string } {
  if (!values) return { on: false };
  const on = values[0]?.toLowerCase() === 'nosniff';
  if (values.length === 1 || on) return { on };
  return { on, reason: `browsers read only the first of ${values.length} values, "${values[0]}"` };
}

export type FrameOptions = 'deny' | 'sameorigin' | 'allowall' | 'invalid';

/**
 * X-Frame-Options, per the HTML standard and Chromium's parser: every value the same → that value;
 * values that differ → a conflict, on which browsers fall back to DENY ("Multiple 'X-Frame-Options'
 * headers with conflicting values … Falling back to 'deny'"), unless none of them is a known value
 * (then the header is ignored). ALLOW-FROM is not supported by any current browser: invalid.
 */
export function frameOptions(values: readonly string[] | undefined): {
  effective?: FrameOptions;
  reason?: string;
} {
  if (!values) return {};
  const kinds = values.map((v): FrameOptions => {
    const l = v.toLowerCase();
    return l === 'deny' || l === 'sameorigin' || l === 'allowall' ? l : 'invalid';
  });
  const distinct = [...new Set(kinds)];
  if (distinct.length === 1) return { effective: distinct[0] };
  if (distinct.every((k) => k === 'invalid')) return { effective: 'invalid' };
  return {
    effective: 'deny',
    reason: `conflicting values (${values.join(', ')}): browsers fall back to DENY`,
  };
}

/**
 * Referrer-Policy, per the Referrer Policy standard: the LAST value the browser recognises wins
 * (a list is a fallback chain for older browsers); unknown tokens are skipped.
 */
export function referrerPolicy(
  values: readonly string[] | undefined,
  known: ReadonlySet<string>,
): { effective?: string; reason?: string } {
  const tokens = (values ?? []).map((v) => v.toLowerCase()).filter((v) => v !== '');
  const effective = tokens.filter((t) => known.has(t)).at(-1);
  if (tokens.length <= 1) return { effective };
  return {
    effective,
    reason: effective
      ? `browsers apply the last recognised of ${tokens.length} values, "${effective}"`
      : `none of the ${tokens.length} values is a policy browsers know`,
  };
}

/**
 * Strict-Transport-Security, per RFC 6797 §8.1 (and Chromium, which keeps the header uncoalesced):
 * only the FIRST header counts. HSTS values hold no commas, so the joined list splits back into
 * the header lines.
 */
export function firstHsts(values: readonly string[] | undefined): { value?: string; reason?: string } {
  if (!values) return {};
  const value = values[0];
  if (values.length === 1) return { value };
  return { value, reason: `browsers process only the first of ${values.length} headers, "${value}"` };
}
