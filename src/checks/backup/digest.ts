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

/**
 * The worker's code (CommonJS, evaluated: it runs the same from src/ under a test runner and from
 * dist/). It reads the file with blocking reads on its own thread, 1 MB at a time.
 */
const HASH_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
try {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(workerData, 'r');
  let sizeBytes = 0;
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) {
      hash.update(buf.subarray(0, n));
      sizeBytes += n;
    }
  } finally {
    closeSync(fd);
  }
  parentPort.postMessage({ sizeBytes, sha256: hash.digest('hex') });
} catch (error) {
  parentPort.postMessage({ error: { message: String(error && error.message), code: error && error.code } });
}
`;

/**
 * `digestPath` of a file on a worker thread: the hash goes on while this thread is blocked (a
 * synchronous SQLite integrity check of the same backup). A directory is hashed here, as
 * `digestPath` does. Rejects with the read error (its `code`, e.g. ENOENT, kept); `signal` stops
 * the worker.
 */
export async function digestInWorker(path: string, signal?: AbortSignal): Promise<Digest> {
  const stat = await lstat(path);
  if (stat.isDirectory()) return digestPath(path);
  signal?.throwIfAborted();
  const { Worker } = await import('node:worker_threads');
  const worker = new Worker(HASH_WORKER, { eval: true, workerData: path });
  const stop = () => void worker.terminate();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    return await new Promise<Digest>((resolve, reject) => {
      worker.once('message', (m: Digest | { error: { message: string; code?: string } }) => {
        if ('error' in m) reject(Object.assign(new Error(m.error.message), { code: m.error.code }));
        else resolve(m);
      });
      worker.once('error', reject);
      worker.once('exit', (code) =>
        reject(signal?.aborted ? signal.reason : new Error(`the hashing worker exited with code ${code}`)),
      );
    });
  } finally {
    signal?.removeEventListener('abort', stop);
    void worker.terminate();
  }
}
