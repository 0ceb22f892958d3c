import { gunzipSync, gzipSync } from 'node:zlib';
import { isZip, redactZip } from './zip-redact.ts';

/** A cleaned copy of some bytes, or why they cannot be kept (`removed`). */
export interface Redacted {
  data: Buffer;
  changed: boolean;
  removed?: string;
}

type Mask = (text: string) => string;

/** Archives in archives in base64 in text: deeper than real artifacts nest, then fail closed. */
const MAX_DEPTH = 8;

/** base64 and base64url runs long enough to hold something; shorter ones are words and ids. */
const BASE64_TOKEN = /[A-Za-z0-9+/_-]{16,}={0,2}/g;

const unchanged = (data: Buffer): Redacted => ({ data, changed: false });

/** The bytes as text when they are UTF-8 text (no NUL, valid sequences); undefined for binary. */
function utf8Text(buf: Buffer): string | undefined {
  if (buf.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(buf);
  } catch {
    return undefined;
  }
}

/**
 * Whether binary bytes hold a secret in any form the masker knows, read as Latin-1, UTF-8 and
 * UTF-16 (both byte alignments): a screenshot or a database file that does cannot be edited
 * safely, so it is not kept.
 */
function holdsSecret(buf: Buffer, mask: Mask): boolean {
  const views = [buf.toString('latin1'), buf.toString('utf8'), buf.toString('utf16le')];
  if (buf.length > 1) views.push(buf.subarray(1).toString('utf16le'));
  return views.some((v) => mask(v) !== v);
}

/**
 * One base64 token: decoded at each alignment (a token may begin with characters of the text
 * before it), cleaned like any bytes, and re-encoded in its own alphabet and padding when the
 * cleaning changed it, so an embedded zip or image stays decodable. A blob that cannot be
 * cleaned becomes `***`.
 */
function redactToken(token: string, mask: Mask, depth: number): string {
  for (let shift = 0; shift < 4 && token.length - shift >= 16; shift++) {
    const body = token.slice(shift);
    const url = /[-_]/.test(body);
    if (url && /[+/]/.test(body)) continue;
    const encoding = url ? 'base64url' : 'base64';
    const decoded = Buffer.from(body, encoding);
    const bare = body.replace(/=+$/, '');
    // Only a canonical encoding is base64 at this alignment; anything else is text that looks like it.
    if (decoded.toString(encoding).replace(/=+$/, '') !== bare) continue;
    const r = redactBytes(decoded, mask, depth + 1);
    if (!r.changed) continue;
    if (r.removed) return '***';
    const encoded = r.data.toString(encoding);
    return token.slice(0, shift) + (body.endsWith('=') ? encoded : encoded.replace(/=+$/, ''));
  }
  return token;
}

/** Text: base64 blobs cleaned inside, then every form of every secret masked. */
export function redactText(text: string, mask: Mask, depth = 0): string {
  const unpacked = depth > MAX_DEPTH ? text : text.replace(BASE64_TOKEN, (t) => redactToken(t, mask, depth));
  return mask(unpacked);
}

/**
 * Cleans any bytes a run leaves: zips member by member, gzip streams inside, text with its base64
 * blobs; binary that holds a secret is not kept (`removed` says why). Bytes without a secret come
 * back unchanged, the same Buffer.
 */
export function redactBytes(buf: Buffer, mask: Mask, depth = 0): Redacted {
  if (depth > MAX_DEPTH) {
    return holdsSecret(buf, mask)
      ? { data: buf, changed: true, removed: 'it nests archives and encodings too deep to clean' }
      : unchanged(buf);
  }
  if (isZip(buf)) return redactZip(buf, (data) => redactBytes(data, mask, depth + 1));
  if (buf.length > 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    let inner: Buffer | undefined;
    try {
      inner = gunzipSync(buf);
    } catch {
      // Not a gzip stream after all: judged as binary below.
    }
    if (inner) {
      const r = redactBytes(inner, mask, depth + 1);
      if (r.removed) return { data: buf, changed: true, removed: r.removed };
      return r.changed ? { data: gzipSync(r.data), changed: true } : unchanged(buf);
    }
  }
  const text = utf8Text(buf);
  if (text !== undefined) {
    const out = redactText(text, mask, depth);
    return out === text ? unchanged(buf) : { data: Buffer.from(out), changed: true };
  }
  return holdsSecret(buf, mask)
    ? { data: buf, changed: true, removed: 'it is binary and cannot be cleaned without corrupting it' }
    : unchanged(buf);
}
