/**
 * How a secret is found in whatever form a tool wrote it: JSON strings (`\"`, `\/`, `\u0022`),
 * URLs and form posts (`%22`, `%2f`, `+` for space, any byte percent-encoded), HTML (`&quot;`,
 * `&#34;`, `&#x22;`), and one of those inside another (a JSON error message quoting a JSON value,
 * an HTML page in a JSON trace, a JSON body in a form post). Playwright's trace alone holds the
 * JSON form (fill titles, snapshot `__playwright_value_`, HAR post params), the JSON-in-JSON form
 * (expect messages), the URL form (navigations, Referer), the form-encoded body (resources/*.dat)
 * and the HTML form (resources/*.html); PHP writes `/` as `\/`.
 *
 * Rather than list whole encoded strings (which misses mixed and partial escaping), each character
 * of the value may appear as itself or as any escape that decodes to it, and each character of
 * that escape in turn the same way (two levels, as deep as real artifacts nest): the pattern
 * matches every text that one or two rounds of URL, form, HTML or JSON decoding turn into the value.
 */

/** One position of an escape: any of `chars` (a hex digit in either case), once or repeated. */
interface Item {
  chars: string[];
  many?: boolean;
}
type Form = Item[];

const lit = (s: string): Form => [...s].map((c) => ({ chars: [c] }));
/** Hex digits as items matching either case: `%2f` and `%2F`, `&#x2F;`, `\u002f`. */
const hexItems = (n: number, width = 0): Form =>
  [...n.toString(16).toUpperCase().padStart(width, '0')].map((d) => ({
    chars: [...new Set([d, d.toLowerCase()])],
  }));
/** Letters in either case (`&QUOT;`, `&#X22;`, `\U0022` are decoded by lenient readers). */
const anyCase = (s: string): Form => [...s].map((c) => ({ chars: [...new Set([c, c.toUpperCase()])] }));

const NAMED: Record<string, string> = { '&': 'amp', '"': 'quot', "'": 'apos', '<': 'lt', '>': 'gt' };
const JSON_SHORT: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  '\b': 'b',
  '\f': 'f',
  '\n': 'n',
  '\r': 'r',
  '\t': 't',
};

/** Every way one character (a code point) is written by one round of encoding; itself last. */
function forms(c: string): Form[] {
  const cp = c.codePointAt(0)!;
  const out: Form[] = [];
  // URL and form encoding: each UTF-8 byte as %XX; a space as `+` in a form post.
  out.push([...Buffer.from(c)].flatMap((b) => [{ chars: ['%'] }, ...hexItems(b, 2)]));
  if (c === ' ') out.push(lit('+'));
  // HTML: named, decimal and hex character references (leading zeros allowed).
  if (NAMED[c]) out.push([{ chars: ['&'] }, ...anyCase(NAMED[c]), { chars: [';'] }]);
  out.push([...lit('&#'), { chars: ['0'], many: true }, ...lit(String(cp)), { chars: [';'] }]);
  out.push([
    { chars: ['&'] },
    { chars: ['#'] },
    { chars: ['x', 'X'] },
    { chars: ['0'], many: true },
    ...hexItems(cp),
    { chars: [';'] },
  ]);
  // JSON: short escapes (`\"`, `\\`, `\/`, `\n`…) and \uXXXX (UTF-16 units, so surrogate pairs).
  if (JSON_SHORT[c]) out.push(lit(`\\${JSON_SHORT[c]}`));
  const units = [...Array(c.length).keys()].map((i) => c.charCodeAt(i));
  out.push(units.flatMap((u) => [{ chars: ['\\'] }, { chars: ['u', 'U'] }, ...hexItems(u, 4)]));
  out.push(lit(c));
  return out;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
const alt = (xs: string[]) => (xs.length === 1 ? xs[0]! : `(?:${xs.join('|')})`);

const level1 = new Map<string, string>();
/** A regex source matching `c` written as itself or by one round of encoding. */
function once(c: string): string {
  let p = level1.get(c);
  if (p === undefined) {
    p = alt(
      forms(c).map((f) => f.map((i) => `${alt(i.chars.map(escapeRegExp))}${i.many ? '*' : ''}`).join('')),
    );
    level1.set(c, p);
  }
  return p;
}

/** A regex source matching `c` written as itself or by one or two rounds of encoding. */
function twice(c: string): string {
  return alt(forms(c).map((f) => f.map((i) => `${alt(i.chars.map(once))}${i.many ? '*' : ''}`).join('')));
}

/**
 * A global regex matching `value` as written raw or after one or two rounds of URL, form, HTML
 * or JSON encoding, in any mix and either hex case.
 * @example secretPattern('a b').test('a+b') // true (form-encoded)
 * @example secretPattern('/').test('\\/') // true (PHP's JSON)
 */
export function secretPattern(value: string): RegExp {
  return new RegExp([...value].map(twice).join(''), 'g');
}

/** Below this length a secret's base64 core is too short to tell from any other base64 text. */
const MIN_BASE64_CORE = 8;

/**
 * The base64 characters a value fixes whatever bytes surround it, at each of the three byte
 * alignments: they appear inside any base64 blob that holds the value (base64url too).
 */
export function base64Cores(value: string): string[] {
  const bytes = Buffer.from(value);
  const cores: string[] = [];
  for (let pad = 0; pad < 3; pad++) {
    const encoded = Buffer.concat([Buffer.alloc(pad), bytes]).toString('base64');
    const from = Math.ceil((pad * 8) / 6);
    const to = Math.floor(((pad + bytes.length) * 8) / 6);
    const core = encoded.slice(from, to);
    if (core.length >= MIN_BASE64_CORE) cores.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...new Set(cores)];
}
