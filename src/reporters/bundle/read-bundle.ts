import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import { RollgateError } from '../../config/errors.ts';

/**
 * Reads a bundle for `--verify` without extracting it: nothing is written to disk, so no entry can
 * climb out of a folder or write through a link. Files are hashed as they stream by; only the
 * small files verification reads (manifest, checksums, key, envelopes) are kept. Anything a
 * rollgate bundle never holds is refused: links, devices, absolute or `..` paths, a second top
 * folder, a path twice, and more entries or bytes than the limits.
 */

export interface BundleLimits {
  /** Entries (files and folders). */
  maxEntries: number;
  /** Bytes of one file, uncompressed. */
  maxFileBytes: number;
  /** Bytes of all files, uncompressed: a small gzip that inflates without end stops here. */
  maxTotalBytes: number;
  /** Bytes of one file verification reads whole (JSON, checksums, key). */
  maxKeptBytes: number;
}

export const DEFAULT_LIMITS: BundleLimits = {
  maxEntries: 20_000,
  maxFileBytes: 1024 ** 3,
  maxTotalBytes: 4 * 1024 ** 3,
  maxKeptBytes: 16 * 1024 ** 2,
};

export interface BundleFile {
  sha256: string;
  size: number;
  /** Kept for the files verification reads whole. */
  content?: Buffer;
}

export interface ReadBundle {
  /** The one top folder, `rollgate-bundle-<run-id>`. */
  top: string;
  /** Path inside the top folder → what it holds. */
  files: Map<string, BundleFile>;
}

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);

/** Files verification reads whole, by their path inside the top folder. */
const kept = (rel: string) =>
  rel === 'manifest.json' ||
  rel === 'checksums.sha256' ||
  rel === 'signing-key.pub.pem' ||
  /^attestations\/[^/]+\.json$/.test(rel);

/** Why a path is refused, or undefined for a plain relative path. */
function unsafePath(p: string): string | undefined {
  if (!p) return 'an empty path';
  if (p.includes('\0')) return 'a NUL byte in the path';
  if (p.includes('\\')) return 'a backslash in the path';
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) return 'an absolute path';
  const parts = p.replace(/\/$/, '').split('/');
  if (parts.some((s) => s === '..')) return 'a `..` in the path';
  if (parts.some((s) => s === '' || s === '.')) return 'an empty or `.` path segment';
  return undefined;
}

const unreadable = (file: string, why: string) =>
  new RollgateError('ROLLGATE_BUNDLE_UNREADABLE', `${file}: ${why}; not a bundle rollgate can verify.`);

function isGzip(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** Reads `file`; throws `ROLLGATE_BUNDLE_UNREADABLE` naming the first thing that is not as a bundle holds it. */
export async function readBundle(file: string, limits: BundleLimits = DEFAULT_LIMITS): Promise<ReadBundle> {
  try {
    if (!isGzip(file)) throw unreadable(file, 'not a gzip file');
  } catch (error) {
    if (error instanceof RollgateError) throw error;
    throw unreadable(
      file,
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  const files = new Map<string, BundleFile>();
  const tops = new Set<string>();
  const seen = new Set<string>();
  let entries = 0;
  let total = 0;
  let refused: string | undefined;
  const abort = new AbortController();
  const refuse = (why: string) => {
    refused ??= why;
    abort.abort();
  };
  /** Why an entry is refused, from its header alone; undefined admits it. */
  const admit = (entry: tar.ReadEntry): string | undefined => {
    const p = entry.path;
    if (entries > limits.maxEntries) return `more than ${limits.maxEntries} entries`;
    const bad = unsafePath(p);
    if (bad) return `entry "${p}" has ${bad}`;
    const isFile = FILE_TYPES.has(entry.type);
    if (!isFile && entry.type !== 'Directory')
      return `entry "${p}" is a ${entry.type}; a bundle holds only files and folders`;
    const clean = p.replace(/\/$/, '');
    const [top, ...rest] = clean.split('/');
    tops.add(top!);
    if (tops.size > 1) return `more than one top folder (${[...tops].join(', ')})`;
    if (seen.has(clean)) return `entry "${clean}" appears twice`;
    seen.add(clean);
    if (!isFile) return undefined;
    const rel = rest.join('/');
    if (!rel) return `entry "${clean}" is a file at the top`;
    const size = entry.size ?? 0;
    if (size > limits.maxFileBytes)
      return `entry "${rel}" is ${size} bytes, over the ${limits.maxFileBytes}-byte limit`;
    if (kept(rel) && size > limits.maxKeptBytes)
      return `entry "${rel}" is ${size} bytes, over the ${limits.maxKeptBytes}-byte limit`;
    return undefined;
  };
  const parser = new tar.Parser({
    strict: true,
    onwarn: (code, message) => refuse(`the archive is damaged (${code}: ${String(message)})`),
    onReadEntry: (entry) => {
      entries++;
      const why = refused ? 'already refused' : admit(entry);
      if (why) {
        refuse(why);
        entry.resume();
        return;
      }
      if (!FILE_TYPES.has(entry.type)) {
        entry.resume();
        return;
      }
      const rel = entry.path.split('/').slice(1).join('/');
      const keep = kept(rel);
      const hash = createHash('sha256');
      const chunks: Buffer[] = [];
      let got = 0;
      entry.on('data', (chunk: Buffer) => {
        got += chunk.length;
        total += chunk.length;
        if (total > limits.maxTotalBytes) refuse(`more than ${limits.maxTotalBytes} bytes in all`);
        hash.update(chunk);
        if (keep) chunks.push(chunk);
      });
      entry.on('end', () => {
        files.set(rel, {
          sha256: hash.digest('hex'),
          size: got,
          ...(keep ? { content: Buffer.concat(chunks) } : {}),
        });
      });
    },
  });
  try {
    await pipeline(createReadStream(file, { highWaterMark: 1 << 20, signal: abort.signal }), parser);
  } catch (error) {
    if (!refused) refuse(`the archive is damaged (${(error as Error).message})`);
  }
  if (refused) throw unreadable(file, refused);
  if (!tops.size) throw unreadable(file, 'an empty archive');
  return { top: [...tops][0]!, files };
}
