import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';

export interface Digest {
  sizeBytes: number;
  sha256: string;
}

async function digestFile(path: string): Promise<Digest> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    sizeBytes += chunk.length;
  }
  return { sizeBytes, sha256: hash.digest('hex') };
}

async function filesUnder(dir: string, root = dir): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full, root)));
    else out.push(relative(root, full));
  }
  return out;
}

/**
 * SHA-256 and size of a backup. A file hashes its bytes. A directory (pg_dump's directory format)
 * hashes a sorted listing of `path NUL size NUL sha256` lines, so a renamed, missing, added or
 * changed file all change the digest; its size is the sum of its files.
 */
export async function digestPath(path: string): Promise<Digest> {
  const stat = await lstat(path);
  if (!stat.isDirectory()) return digestFile(path);
  const listing = createHash('sha256');
  let sizeBytes = 0;
  for (const file of (await filesUnder(path)).sort()) {
    const d = await digestFile(join(path, file));
    sizeBytes += d.sizeBytes;
    listing.update(`${file}\0${d.sizeBytes}\0${d.sha256}\n`);
  }
  return { sizeBytes, sha256: listing.digest('hex') };
}

/** Copies `from` to `to` and hashes what was read in the same pass: a large backup is read once. */
export async function copyWithDigest(from: string, to: string): Promise<Digest> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  await pipeline(
    createReadStream(from, { highWaterMark: 1 << 20 }),
    async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        hash.update(chunk);
        sizeBytes += chunk.length;
        yield chunk;
      }
    },
    createWriteStream(to, { flags: 'wx' }),
  );
  return { sizeBytes, sha256: hash.digest('hex') };
}
