import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * Feeds a text file to `push` line by line, streaming (dumps can be large). Stops when `signal`
 * aborts, by leaving the loop: destroying the stream under a readline iterator never ends it.
 * Rejects with the signal's reason when stopped.
 */
export async function readLines(
  file: string,
  push: (line: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  try {
    for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
      push(line);
      if (signal.aborted) break;
    }
  } finally {
    input.destroy();
  }
  signal.throwIfAborted();
}
