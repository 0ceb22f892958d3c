import { base64Cores, secretPattern } from './secret-forms.ts';

/**
 * Credentials inside URLs: scheme://user:password@host or scheme://:password@host. The password
 * runs to the last `@` before the host, as drivers read it, so an unencoded `@` in it is masked too.
 */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^:@/\s]*):([^\s/]*)@(?=[^@\s/]*(?:[/?#\s"'`]|$))/gi;

/** What to look for: each secret's pattern (every encoded form) and its base64 cores. */
interface Secrets {
  /** The declared values, in the order of `patterns`. */
  values: string[];
  patterns: RegExp[];
  literals: string[];
}

/**
 * Every escape a pattern knows holds one of these characters (URL `%`, form `+`, HTML `&`, JSON
 * `\`), at either level. In a text without any, a secret can only be written as itself.
 */
const ESCAPE_CHARS = /[%+&\\]/;

/** Start of each occurrence of `s` in `text`, overlapping ones too. */
function occurrences(text: string, s: string, spans: [number, number][]): void {
  for (let i = text.indexOf(s); i >= 0; i = text.indexOf(s, i + 1)) spans.push([i, i + s.length]);
}

/** Intervals of `text` covered by any of `secrets`, merged, so overlapping secrets leave no fragment. */
function covered(text: string, secrets: Secrets): [number, number][] {
  const spans: [number, number][] = [];
  for (const s of secrets.literals) occurrences(text, s, spans);
  // The patterns are large (every character in every escape, two levels deep): where no escape
  // can be, finding each value as itself finds the same spans, without running them.
  if (!ESCAPE_CHARS.test(text)) for (const v of secrets.values) occurrences(text, v, spans);
  else
    for (const re of secrets.patterns) {
      re.lastIndex = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        spans.push([m.index, m.index + m[0].length]);
        re.lastIndex = m.index + 1; // overlapping matches too
      }
    }
  spans.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([...span]);
  }
  return merged;
}

/**
 * Replaces declared secrets' values, in every encoded form (JSON, URL, form, HTML, one inside
 * another, in any mix; base64; see secret-forms.ts), and credentials in URLs with `***`. It is the one masker: printed lines,
 * verdicts and every file a run leaves go through it.
 * Empty values mask nothing (masking '' would garble every string).
 * @example createMasker(['s3cret'])('postgres://app:s3cret@db/app') // 'postgres://app:***@db/app'
 * @example createMasker(['a "b"'])('{"pw":"a \\"b\\""}') // '{"pw":"***"}'
 */
export function createMasker(values: Iterable<string | undefined>): (text: string) => string {
  const declared = [...values].filter((v): v is string => typeof v === 'string' && v.length > 0);
  const unique = [...new Set(declared)];
  const secrets: Secrets = {
    values: unique,
    patterns: unique.map(secretPattern),
    literals: [...new Set(unique.flatMap(base64Cores))],
  };
  return (text: string) => {
    let out = '';
    let at = 0;
    for (const [from, to] of covered(text, secrets)) {
      out += `${text.slice(at, from)}***`;
      at = to;
    }
    out += text.slice(at);
    return out.replace(URL_CREDENTIALS, (_m, scheme: string, user: string) => `${scheme}${user}:***@`);
  };
}

/** A masker over the values of the named environment variables. */
export function maskerFromEnv(
  names: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): (text: string) => string {
  return createMasker(names.map((n) => env[n]));
}

/** Masks every string inside a value (keys included), so escaping in JSON cannot hide a secret. */
export function maskDeep<T>(value: T, mask: (s: string) => string): T {
  if (typeof value === 'string') return mask(value) as T;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, mask)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [mask(k), maskDeep(v, mask)])) as T;
  }
  return value;
}

const SECRET_NAME = /PASS(WORD|WD)?|SECRET|TOKEN|PRIVATE_?KEY|API_?KEY|CREDENTIAL/i;

/**
 * Values of environment variables whose names say they are secret (`SMOKE_PASSWORD`,
 * `SESSION_SECRET`, `GITHUB_TOKEN`…), for output written before a runbook's own `secrets` are
 * known. Values under 6 characters are left out: masking them would garble ordinary text.
 */
export function secretLookingValues(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([name, value]) => SECRET_NAME.test(name) && (value?.length ?? 0) >= 6)
    .map(([, value]) => value!);
}
