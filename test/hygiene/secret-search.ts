import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, inflateRawSync } from 'node:zlib';

/** Entries of a zip (Playwright traces), read from its central directory; stored and deflated only. */
export function unzipEntries(buf: Buffer): { name: string; data: Buffer }[] {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) return [];
  const entries: { name: string; data: Buffer }[] = [];
  let at = buf.readUInt32LE(eocd + 16);
  for (let i = 0; i < buf.readUInt16LE(eocd + 10); i++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error('zip central directory is corrupt');
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLen);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + size);
    if (method !== 0 && method !== 8)
      throw new Error(`zip entry ${name}: compression method ${method} not readable`);
    entries.push({ name, data: method === 8 ? inflateRawSync(raw) : raw });
    at += 46 + nameLen + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return entries;
}

const BASE64_TOKEN = /[A-Za-z0-9+/_-]{12,}={0,2}/g;

const percent = (t: string) =>
  t.replace(/%[0-9a-f]{2}/gi, (m) => String.fromCharCode(Number.parseInt(m.slice(1), 16)));

const HTML_NAMED: Record<string, string> = { amp: '&', quot: '"', apos: "'", lt: '<', gt: '>' };

/**
 * Decoders written independently of the masker's encoders (src/config/secret-forms.ts), so the
 * search is a second opinion: URL (%XX), form (`+` and %XX), HTML entities (named, decimal, hex)
 * and JSON string escapes (\" \\ \uXXXX \n …).
 */
const DECODERS: [string, (t: string) => string][] = [
  ['URL-decoded', percent],
  ['form-decoded', (t) => percent(t.replace(/\+/g, ' '))],
  [
    'HTML-unescaped',
    (t) =>
      t.replace(/&(?:#x([0-9a-f]+)|#(\d+)|([a-z]+));/gi, (m, hex?: string, dec?: string, name?: string) => {
        if (hex) return String.fromCodePoint(Number.parseInt(hex, 16));
        if (dec) return String.fromCodePoint(Number.parseInt(dec, 10));
        return HTML_NAMED[name!.toLowerCase()] ?? m;
      }),
  ],
  [
    'JSON-unescaped',
    (t) =>
      t.replace(/\\(u[0-9a-f]{4}|["\\/bfnrt])/gi, (_m, e: string) =>
        e.length === 5
          ? String.fromCharCode(Number.parseInt(e.slice(1), 16))
          : (({ b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' } as Record<string, string>)[e] ?? e),
      ),
  ],
];

/** The text decoded once and twice by each decoder (a JSON string quoting JSON, HTML in JSON). */
function decodedViews(text: string): [string, string][] {
  const views: [string, string][] = [];
  for (const [a, first] of DECODERS) {
    const once = first(text);
    if (once === text) continue;
    views.push([a, once]);
    for (const [b, second] of DECODERS) {
      const twice = second(once);
      if (twice !== once) views.push([`${a}, then ${b}`, twice]);
    }
  }
  return views;
}

/**
 * Where `secret` can be read in `buf`: as is (UTF-8 or UTF-16), inside zip entries and gzip
 * streams, in base64/base64url tokens once decoded, and URL-, form-, HTML- or JSON-decoded (once
 * or twice); nested forms are followed.
 */
export function locateIn(buf: Buffer, secret: string, where: string, depth = 0): string[] {
  if (depth > 4) return [];
  const hits: string[] = [];
  if (buf.includes(secret) || buf.includes(Buffer.from(secret, 'utf16le'))) hits.push(where);
  if (buf.length >= 4 && buf.readUInt32LE(0) === 0x04034b50) {
    for (const e of unzipEntries(buf))
      hits.push(...locateIn(e.data, secret, `${where}!/${e.name}`, depth + 1));
  }
  if (buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      hits.push(...locateIn(gunzipSync(buf), secret, `${where} (gunzipped)`, depth + 1));
    } catch {
      // Not a gzip stream after all.
    }
  }
  const text = buf.toString('utf8');
  for (const token of new Set(text.match(BASE64_TOKEN) ?? [])) {
    // Every alignment: a token may start with characters that belong to the text before it.
    for (let shift = 0; shift < 4; shift++) {
      const decoded = Buffer.from(
        token.slice(shift).replace(/[-_]/g, (c) => (c === '-' ? '+' : '/')),
        'base64',
      );
      if (decoded.length >= secret.length)
        hits.push(...locateIn(decoded, secret, `${where} (base64 ${token.slice(0, 12)}…)`, depth + 1));
    }
  }
  for (const [how, decoded] of decodedViews(text))
    if (decoded.includes(secret)) hits.push(`${where} (${how})`);
  return [...new Set(hits)];
}

/** Every file under `dir` (hidden ones included) in which `secret` can be read, with how. */
export function locateSecret(dir: string, secret: string): string[] {
  const hits: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const file = path.join(e.parentPath, e.name);
    const buf = readFileSync(file);
    hits.push(...locateIn(buf, secret, path.relative(dir, file)));
  }
  return hits;
}
