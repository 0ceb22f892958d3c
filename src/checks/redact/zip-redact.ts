import { unzipSync, type Zippable, zipSync } from 'fflate';
import type { Redacted } from './redact-bytes.ts';

/** Zip archives start with a local file header (Playwright traces, Allure attachment zips). */
export function isZip(buf: Buffer): boolean {
  return buf.length >= 4 && buf.readUInt32LE(0) === 0x04034b50;
}

/**
 * Rewrites a zip member by member through `redact`: the archive stays valid and keeps its
 * members (a trace still opens in the trace viewer); a member that cannot be cleaned is replaced
 * by `<name>.removed.txt` saying why. An archive that cannot be read is not kept at all.
 */
export function redactZip(buf: Buffer, redact: (data: Buffer) => Redacted): Redacted {
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(buf);
  } catch (error) {
    return {
      data: buf,
      changed: true,
      removed: `it could not be read as a zip (${(error as Error).message})`,
    };
  }
  const out: Zippable = {};
  let changed = false;
  for (const [name, data] of Object.entries(members)) {
    if (name.endsWith('/')) {
      out[name] = data;
      continue;
    }
    const r = redact(Buffer.from(data));
    if (r.removed) out[`${name}.removed.txt`] = Buffer.from(removalNote(name, r.removed));
    else out[name] = r.data;
    changed ||= r.changed;
  }
  // Unchanged archives are kept byte for byte: nothing to clean, nothing to rewrite.
  return changed ? { data: Buffer.from(zipSync(out, { level: 6 })), changed } : { data: buf, changed };
}

/** What replaces evidence that could not be cleaned: says what it was and why it is gone. */
export function removalNote(name: string, why: string): string {
  return `rollgate removed ${name}: ${why}. It held a declared secret (see "Secrets in reports" in README.md).\n`;
}
