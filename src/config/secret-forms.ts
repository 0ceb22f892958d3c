/**
 * The forms a secret takes once a tool has written it somewhere: JSON strings, URLs, form posts,
 * HTML, and one of those inside another (a JSON error message quoting a JSON value, an HTML page
 * in a JSON trace). Playwright's trace alone holds the JSON form (fill titles, snapshot
 * `__playwright_value_`, HAR post params), the JSON-in-JSON form (expect messages), the URL form
 * (navigations, Referer), the form-encoded body (resources/*.dat) and the HTML form (resources/*.html).
 */
type Encode = (s: string) => string;

const hex = (c: string) => c.charCodeAt(0).toString(16).padStart(4, '0');

const json: Encode = (s) => JSON.stringify(s).slice(1, -1);

const ENCODINGS: Encode[] = [
  json,
  // HTML-safe JSON (Go, serialize-javascript, JSON inlined in <script>): <, >, &, ', = as \u00XX.
  (s) => json(s).replace(/[<>&'=]/g, (c) => `\\u${hex(c)}`),
  // ASCII-only JSON (Python's json.dumps): everything beyond ASCII as \uXXXX.
  (s) => json(s).replace(/[^\x20-\x7e]/g, (c) => `\\u${hex(c)}`),
  encodeURIComponent,
  (s) => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
  encodeURI,
  // application/x-www-form-urlencoded, as browsers post forms: space as `+`.
  (s) => new URLSearchParams([['', s]]).toString().slice(1),
  // HTML text (&, <, >) and attribute values (quotes too, named or numeric).
  (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
  (s) =>
    s
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#39;'),
  (s) => s.replace(/&/g, '&amp;').replace(/"/g, '&#34;').replace(/'/g, '&#x27;'),
];

/** Below this length a secret's base64 core is too short to tell from any other base64 text. */
const MIN_BASE64_CORE = 8;

/**
 * The base64 characters a value fixes whatever bytes surround it, at each of the three byte
 * alignments: they appear inside any base64 blob that holds the value (base64url too).
 */
function base64Cores(value: string): string[] {
  const bytes = Buffer.from(value);
  const cores: string[] = [];
  for (let pad = 0; pad < 3; pad++) {
    const encoded = Buffer.concat([Buffer.alloc(pad), bytes]).toString('base64');
    const from = Math.ceil((pad * 8) / 6);
    const to = Math.floor(((pad + bytes.length) * 8) / 6);
    const core = encoded.slice(from, to);
    if (core.length >= MIN_BASE64_CORE) cores.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return cores;
}

/**
 * Every form of `value` a masker must hide: the value, each encoding, each encoding of an
 * encoding (two levels, as deep as real artifacts nest), and its base64 cores.
 * @example secretForms('a b').includes('a+b') // true (form-encoded)
 */
export function secretForms(value: string): string[] {
  if (!value) return [];
  const once = ENCODINGS.map((e) => e(value));
  const twice = once.flatMap((v) => ENCODINGS.map((e) => e(v)));
  return [...new Set([value, ...once, ...twice, ...base64Cores(value)])].filter((f) => f.length > 0);
}
